// One training step for each phase. A step never reads a value back: it returns a small tensor of
// loss values that the caller reads a few times a second (see LossLog), so the device never stalls.

import * as tf from '@tensorflow/tfjs';
import type { Hyper, ModelConfig, ModelSize } from '../config';
import { distillationLoss, hardCrossEntropy, LOSS_TERMS, type LossTerm } from '../distill/losses';
import type { Task } from '../data/task';
import { GPT } from '../model/gpt';
import { deriveSeed, mulberry32, normal } from '../rng';
import { AdamW, type AdamWOptions } from './adamw';
import { BatchSampler, disposeSet, gatherBatch, uploadSet, type DeviceSet } from './dataset';

export function modelConfigFor(size: ModelSize, task: Pick<Task, 'vocab' | 'seqLen'>): ModelConfig {
  return { ...size, vocabSize: task.vocab.length, blockSize: task.seqLen, bias: false, dropout: 0 };
}

/** (B, T, V) → (B*T, V) */
function flatLogits(logits: tf.Tensor3D): tf.Tensor2D {
  const [B, T, V] = logits.shape;
  return logits.reshape([B * T, V]);
}

/** Trains a model on hard labels alone: the teacher phase. */
export class TeacherStep {
  private readonly set: DeviceSet;
  private readonly sampler: BatchSampler;
  private readonly opt: AdamW;

  constructor(
    readonly model: GPT,
    task: Task,
    seed: number,
    adam: AdamWOptions,
  ) {
    this.set = uploadSet(task.teacherTrain);
    this.sampler = new BatchSampler(deriveSeed(seed, 'batches:teacher'), task.teacherTrain.count, 0);
    this.opt = new AdamW(model.variables(), adam);
  }

  /** One update; returns the (kept) scalar loss. */
  step(batchSize: number, lr: number): tf.Scalar {
    const rows = this.sampler.next(batchSize);
    return tf.tidy(() => {
      const b = gatherBatch(this.set, tf.tensor1d(rows, 'int32'));
      return this.opt.minimize(() => hardCrossEntropy(flatLogits(this.model.forward(b.inputs, { training: true }).logits), b.targets, b.hardMask), lr);
    });
  }

  dispose(): void {
    disposeSet(this.set);
    this.opt.dispose();
  }
}

/** Values reported per distillation step, in this order. */
export const STEP_VALUES = [...LOSS_TERMS, 'baseline'] as const;
export type StepValue = LossTerm | 'baseline';

/**
 * Distillation phase: the student learns from labels and the frozen teacher while a baseline with
 * the same architecture and initialisation learns from the labels alone, on the same batches.
 * Only student (and projection) variables reach the student's optimizer; the teacher's never do.
 */
export class DistillStep {
  readonly student: GPT;
  readonly baseline: GPT;
  /** Student width → teacher width maps for the feature term, one per student layer. */
  readonly projections: tf.Variable[];
  private readonly set: DeviceSet;
  private readonly sampler: BatchSampler;
  private readonly studentOpt: AdamW;
  private readonly baselineOpt: AdamW;
  /** (N, T, V) raw teacher logits over the training set: the teacher is frozen, so they never change. */
  private teacherLogits: tf.Tensor3D | null = null;
  /** Row indices of the most recent batch (for tests and the UI's "same batches" claim). */
  lastRows: Int32Array = new Int32Array(0);

  constructor(
    readonly teacher: GPT,
    readonly task: Task,
    studentSize: ModelSize,
    seed: number,
    labelled: number,
    adam: AdamWOptions,
  ) {
    const config = modelConfigFor(studentSize, task);
    // Same seed for both: the only difference between them is the teacher's signal.
    this.student = GPT.init(config, deriveSeed(seed, 'init:student'));
    this.baseline = GPT.init(config, deriveSeed(seed, 'init:student'));
    const cs = studentSize.nEmbd;
    const ct = teacher.config.nEmbd;
    this.projections = Array.from({ length: studentSize.nLayer }, (_, i) =>
      tf.tidy(() => tf.variable(tf.tensor2d(normal(mulberry32(deriveSeed(seed, `proj:${i}`)), cs * ct, 1 / Math.sqrt(cs)), [cs, ct]))),
    );
    this.set = uploadSet(task.train);
    const nLabelled = Math.min(labelled, task.train.count);
    this.sampler = new BatchSampler(deriveSeed(seed, 'batches:student'), nLabelled, task.train.count - nLabelled);
    this.studentOpt = new AdamW([...this.student.variables(), ...this.projections], adam);
    this.baselineOpt = new AdamW(this.baseline.variables(), adam);
  }

  /** Runs the frozen teacher once over the training set and keeps its raw logits (T may change later). */
  async cacheTeacher(chunk = 128): Promise<void> {
    const parts: tf.Tensor3D[] = [];
    for (let start = 0; start < this.set.count; start += chunk) {
      const n = Math.min(chunk, this.set.count - start);
      parts.push(tf.tidy(() => this.teacher.forward(this.set.inputs.slice([start, 0], [n, this.set.seqLen])).logits));
      await parts[parts.length - 1].data(); // let the device drain, and a worker answer messages
    }
    this.teacherLogits?.dispose();
    this.teacherLogits = tf.tidy(() => tf.concat(parts, 0));
    tf.dispose(parts);
  }

  /**
   * One update of student and baseline on one batch with the hyperparameters of this step.
   * Returns a kept (STEP_VALUES.length) tensor: the student's total and terms, then the baseline's loss.
   */
  step(h: Hyper, lr: number): tf.Tensor1D {
    if (!this.teacherLogits) throw new Error('call cacheTeacher() before stepping');
    const rows = this.sampler.next(h.batchSize);
    this.lastRows = rows;
    const intermediate = h.beta > 0 || h.gamma > 0 || h.delta > 0;
    return tf.tidy(() => {
      const rowIdx = tf.tensor1d(rows, 'int32');
      const b = gatherBatch(this.set, rowIdx);
      const teacherLogits = flatLogits(tf.gather(this.teacherLogits!, rowIdx)); // (B*T, V)
      // Hidden states and attention maps of the frozen teacher, outside any gradient tape.
      const teacherOut = intermediate ? this.teacher.forward(b.inputs, { collect: true }) : null;
      let report: tf.Tensor1D | null = null;
      this.studentOpt.minimize(() => {
        const out = this.student.forward(b.inputs, { training: true, collect: intermediate });
        const terms = distillationLoss(
          {
            studentLogits: flatLogits(out.logits),
            teacherLogits,
            targets: b.targets,
            hardMask: b.hardMask,
            softMask: b.softMask,
            intermediate: teacherOut
              ? {
                  studentHidden: out.hidden!,
                  teacherHidden: teacherOut.hidden!,
                  studentAtt: out.attention!,
                  teacherAtt: teacherOut.attention!,
                  projections: this.projections as tf.Tensor2D[],
                  tokenMask: b.tokenMask,
                }
              : undefined,
          },
          h,
        );
        report = tf.keep(tf.stack(LOSS_TERMS.map((t) => terms[t])) as tf.Tensor1D);
        return terms.total;
      }, lr);
      const baselineLoss = this.baselineOpt.minimize(
        () => hardCrossEntropy(flatLogits(this.baseline.forward(b.inputs, { training: true }).logits), b.targets, b.hardMask),
        lr,
      );
      const values = tf.concat([report!, baselineLoss.reshape([1])]) as tf.Tensor1D;
      tf.dispose(report!);
      return values;
    });
  }

  dispose(): void {
    this.student.dispose();
    this.baseline.dispose();
    this.projections.forEach((p) => p.dispose());
    disposeSet(this.set);
    this.studentOpt.dispose();
    this.baselineOpt.dispose();
    this.teacherLogits?.dispose();
    this.teacherLogits = null;
  }
}
