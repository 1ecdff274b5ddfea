// The straightforward training steps, for the benchmark only: the same objective and the same AdamW
// update as src/train/steps.ts, written without the speed work, so every speed-up in BENCHMARKS.md is
// a ratio measured side by side. What differs from the product step:
//
//   product (steps.ts, adamw.ts, run.ts)          here
//   the training split uploaded once; a batch     the batch cut on the CPU and uploaded each step
//   is a gather by B row indices                  (five tensors)
//   frozen teacher's logits cached once           teacher forward on every step
//   AdamW written out, clipping scale on device   tf.train.adam, plus a separate clipping pass and a
//                                                 separate decoupled-decay pass
//   losses read back ~10×/s in one transfer       `await loss.data()` after every step
//   NaiveGPT (naiveGpt.ts) for every model        the product GPT
//
// The losses are the product's own functions (src/distill/losses.ts): the objective is not what is
// being compared.

import * as tf from '@tensorflow/tfjs';
import type { Hyper } from '../config';
import type { SequenceSet } from '../data/task';
import { distillationLoss, hardCrossEntropy } from '../distill/losses';
import { LOSS_TERMS } from '../report';
import type { AdamWOptions } from '../train/adamw';
import { BatchSampler } from '../train/dataset';
import type { NaiveGPT } from './naiveGpt';

/** tf.train.adam with clipping and decoupled weight decay bolted on as separate passes. */
export class NaiveAdamW {
  private readonly adam: tf.AdamOptimizer;

  constructor(
    readonly variables: tf.Variable[],
    private readonly opts: AdamWOptions,
  ) {
    this.adam = tf.train.adam(1e-3, opts.beta1, opts.beta2, opts.epsilon);
  }

  minimize(loss: () => tf.Scalar, lr: number): tf.Scalar {
    // tf.train.adam reads its learning rate at every applyGradients: set it for this step.
    (this.adam as unknown as { learningRate: number }).learningRate = lr;
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, this.variables);
      const present = this.variables.filter((v) => grads[v.name]);
      let clipped: tf.NamedTensorMap = grads;
      if (this.opts.clipNorm > 0) {
        // A running sum: tf.addN of more than 7 tensors fails on WebGPU (8 storage buffers per shader).
        const norm = present
          .map((v) => grads[v.name].square().sum())
          .reduce((x, y) => x.add(y))
          .sqrt();
        const scale = tf.scalar(this.opts.clipNorm).div(norm.maximum(this.opts.clipNorm));
        clipped = Object.fromEntries(present.map((v) => [v.name, grads[v.name].mul(scale)]));
      }
      // Decoupled weight decay on matrices, before Adam's step (as AdamW: p ← p − lr·wd·p − lr·adam).
      const wd = this.opts.weightDecay;
      if (wd > 0) for (const p of present) if (p.rank >= 2) p.assign(p.mul(1 - lr * wd));
      this.adam.applyGradients(present.map((v) => ({ name: v.name, tensor: clipped[v.name] })));
      return value;
    });
  }

  dispose(): void {
    this.adam.dispose();
  }
}

interface HostBatch {
  inputs: tf.Tensor2D; // (B, T) int32
  targets: tf.Tensor1D; // (B*T) int32
  hardMask: tf.Tensor1D; // (B*T)
  softMask: tf.Tensor1D; // (B*T)
  tokenMask: tf.Tensor2D; // (B, T)
}

/** Copies rows of a split on the CPU and uploads them (call inside tf.tidy). */
function uploadBatch(s: SequenceSet, rows: Int32Array): HostBatch {
  const T = s.seqLen;
  const B = rows.length;
  const pick = <A extends Int32Array | Float32Array>(src: A, out: A): A => {
    rows.forEach((r, i) => out.set(src.subarray(r * T, (r + 1) * T), i * T));
    return out;
  };
  return {
    inputs: tf.tensor2d(pick(s.inputs, new Int32Array(B * T)), [B, T], 'int32'),
    targets: tf.tensor1d(pick(s.targets, new Int32Array(B * T)), 'int32'),
    hardMask: tf.tensor1d(pick(s.hardMask, new Float32Array(B * T))),
    softMask: tf.tensor1d(pick(s.softMask, new Float32Array(B * T))),
    tokenMask: tf.tensor2d(pick(s.tokenMask, new Float32Array(B * T)), [B, T]),
  };
}

/** (B, T, V) → (B*T, V) */
function flat(logits: tf.Tensor3D): tf.Tensor2D {
  const [B, T, V] = logits.shape;
  return logits.reshape([B * T, V]);
}

/** Hard-label training of one model (the naive teacher step, and the naive student-only step). */
export class NaiveHardStep {
  private readonly sampler: BatchSampler;
  private readonly opt: NaiveAdamW;

  constructor(
    readonly model: NaiveGPT,
    private readonly set: SequenceSet,
    seed: number,
    adam: AdamWOptions,
  ) {
    this.sampler = new BatchSampler(seed, set.count, 0);
    this.opt = new NaiveAdamW(model.variables(), adam);
  }

  /** One update; reads the loss back before returning. */
  async step(batchSize: number, lr: number): Promise<number> {
    const rows = this.sampler.next(batchSize);
    const loss = tf.tidy(() => {
      const b = uploadBatch(this.set, rows);
      return this.opt.minimize(
        () => hardCrossEntropy(flat(this.model.forward(b.inputs).logits), b.targets, b.hardMask),
        lr,
      );
    });
    const value = (await loss.data())[0];
    loss.dispose();
    return value;
  }

  dispose(): void {
    this.opt.dispose();
  }
}

/**
 * Distillation without a cache: the frozen teacher runs forward on every step. With `baseline` it is
 * the product's lockstep step (student and baseline on the same batch); without, the student alone.
 */
export class NaiveDistillStep {
  private readonly sampler: BatchSampler;
  private readonly studentOpt: NaiveAdamW;
  private readonly baselineOpt: NaiveAdamW | null;

  constructor(
    readonly teacher: NaiveGPT,
    readonly student: NaiveGPT,
    readonly baseline: NaiveGPT | null,
    readonly projections: tf.Variable[],
    private readonly set: SequenceSet,
    seed: number,
    labelled: number,
    adam: AdamWOptions,
  ) {
    const nLabelled = Math.min(labelled, set.count);
    this.sampler = new BatchSampler(seed, nLabelled, set.count - nLabelled);
    this.studentOpt = new NaiveAdamW([...student.variables(), ...projections], adam);
    this.baselineOpt = baseline ? new NaiveAdamW(baseline.variables(), adam) : null;
  }

  /** One update; reads every loss value back before returning (LOSS_TERMS, then the baseline's). */
  async step(h: Hyper, lr: number): Promise<number[]> {
    const rows = this.sampler.next(h.batchSize);
    const intermediate = h.beta > 0 || h.gamma > 0 || h.delta > 0;
    const values = tf.tidy(() => {
      const b = uploadBatch(this.set, rows);
      const t = this.teacher.forward(b.inputs, { collect: intermediate }); // every step: no cache
      const teacherLogits = flat(t.logits);
      let report: tf.Tensor | null = null;
      this.studentOpt.minimize(() => {
        const out = this.student.forward(b.inputs, { collect: intermediate });
        const terms = distillationLoss(
          {
            studentLogits: flat(out.logits),
            teacherLogits,
            targets: b.targets,
            hardMask: b.hardMask,
            softMask: b.softMask,
            intermediate: intermediate
              ? {
                  studentHidden: out.hidden!,
                  teacherHidden: t.hidden!,
                  studentAtt: out.attention!,
                  teacherAtt: t.attention!,
                  projections: this.projections as tf.Tensor2D[],
                  tokenMask: b.tokenMask,
                }
              : undefined,
          },
          h,
        );
        report = tf.keep(tf.stack(LOSS_TERMS.map((k) => terms[k])));
        return terms.total;
      }, lr);
      const parts: tf.Tensor[] = [report!];
      if (this.baseline && this.baselineOpt) {
        const base = this.baseline;
        parts.push(
          this.baselineOpt
            .minimize(() => hardCrossEntropy(flat(base.forward(b.inputs).logits), b.targets, b.hardMask), lr)
            .reshape([1]),
        );
      }
      const all = tf.concat(parts);
      tf.dispose(report!);
      return all;
    });
    const data = Array.from(await values.data());
    values.dispose();
    return data;
  }

  dispose(): void {
    this.studentOpt.dispose();
    this.baselineOpt?.dispose();
  }
}
