// On-policy distillation with a λ slider (issue 13; GKD, Agarwal et al. 2024): a share λ of the
// steps train on prefixes the current student samples itself, scored by the frozen teacher at
// every position with the per-token reverse KL(q_student ‖ p_teacher) (src/distill/onPolicyLoss.ts);
// the other steps are the normal off-policy logit KD on the dataset's rows, exactly DistillStep's
// student update (forward KL to the cached teacher softmax at T, weighted by α against the labels).
//
// Which steps are on-policy is deterministic, not a coin flip: step k (from 0) is on-policy when
// ⌊(k + 1)·λ⌋ > ⌊k·λ⌋, so any S steps hold ⌊S·λ⌋ of them, spread evenly, and λ = 0 is the off-policy
// step for step (the dataset's batch order advances only on off-policy steps, so it is DistillStep's).
//
// Off-policy steps never read a value back. An on-policy step has to: the student samples its
// prefixes token by token on the host's uniforms (src/train/sampling.ts), one small readback per
// generated position, so the step is async.

import * as tf from '@tensorflow/tfjs';
import type { Hyper, ModelSize } from '../config';
import type { Task } from '../data/task';
import { EOS_TOKEN } from '../data/sequences';
import { onPolicyReverseKl } from '../distill/onPolicyLoss';
import { stepLoss } from '../distill/stepLoss';
import { GPT } from '../model/gpt';
import { deriveSeed } from '../rng';
import { AdamW, type AdamWOptions } from './adamw';
import { disposeSet, gatherBatch, uploadSet, type BatchSampler, type DeviceSet } from './dataset';
import { sampleSequences, type SampledBatch } from './sampling';
import { modelConfigFor, studentSampler } from './steps';
import { TeacherCache } from './teacherCache';

/** What an on-policy run's steps read: the normal hyperparameters the off-policy steps use, and λ. */
export type OnPolicyHyper = Pick<Hyper, 'temperature' | 'alpha' | 'batchSize'> & {
  /** Share of steps on the student's own samples, in [0, 1]. */
  lambda: number;
};

/** The problems with λ, in words (empty when valid). */
export function lambdaProblems(lambda: number): string[] {
  return Number.isFinite(lambda) && lambda >= 0 && lambda <= 1
    ? []
    : [`λ (the share of on-policy steps) must be a number in [0, 1] (got ${lambda})`];
}

/** Whether step k (from 0) of a run with share λ is on-policy: ⌊S·λ⌋ of any first S steps are. */
export function isOnPolicyStep(k: number, lambda: number): boolean {
  return Math.floor((k + 1) * lambda + 1e-9) > Math.floor(k * lambda + 1e-9);
}

/**
 * The student's own samples as a training batch: inputs (B, T) are the first T tokens of each row,
 * and mask (B·T) is 1 at the positions whose next token the student drew (t < length − 1).
 */
export function onPolicyBatch(
  s: SampledBatch,
  blockSize: number,
): { inputs: Int32Array; mask: Float32Array; count: number } {
  const T = blockSize;
  const inputs = new Int32Array(s.count * T);
  const mask = new Float32Array(s.count * T);
  let count = 0;
  for (let i = 0; i < s.count; i++) {
    inputs.set(s.tokens.subarray(i * s.width, i * s.width + T), i * T);
    for (let t = 0; t < s.lengths[i] - 1; t++) {
      mask[i * T + t] = 1;
      count++;
    }
  }
  return { inputs, mask, count };
}

export interface OnPolicyStepResult {
  /** The step's loss (kept; the caller disposes it): reverse KL on-policy, the KD total off-policy. */
  loss: tf.Scalar;
  onPolicy: boolean;
}

/**
 * The student of an on-policy run. It starts from DistillStep's student initialisation and, off
 * policy, draws DistillStep's batches: at λ = 0 it is DistillStep's student, weight for weight.
 */
export class OnPolicyStep {
  readonly student: GPT;
  /** Steps taken, and how many were on-policy. */
  steps = 0;
  onPolicySteps = 0;
  private readonly set: DeviceSet;
  private readonly sampler: BatchSampler;
  private readonly opt: AdamW;
  private readonly cache: TeacherCache;
  private readonly eos: number;

  constructor(
    readonly teacher: GPT,
    readonly task: Task,
    studentSize: ModelSize,
    readonly seed: number,
    labelled: number,
    adam: AdamWOptions,
  ) {
    if (task.kind !== 'generation') throw new Error(`on-policy distillation needs a generation task, not "${task.id}"`);
    this.eos = task.vocab.indexOf(EOS_TOKEN);
    if (this.eos < 0) throw new Error(`task "${task.id}" has no ${EOS_TOKEN} token to end a sample`);
    this.student = GPT.init(modelConfigFor(studentSize, task), deriveSeed(seed, 'init:student'));
    this.set = uploadSet(task.train);
    this.sampler = studentSampler(seed, labelled, task.train.count);
    const set = this.set;
    // Every position of a generation row scores: the cache holds (N·T, V), as DistillStep's does.
    this.cache = new TeacherCache(set.count, set.seqLen, task.vocab.length, (rows) => {
      const [B, T, V] = [rows.length, set.seqLen, task.vocab.length];
      return this.teacher.forward(tf.gather(set.inputs, tf.tensor1d(rows, 'int32'))).logits.reshape([B * T, V]);
    });
    this.opt = new AdamW(this.student.variables(), adam);
  }

  /** Runs the frozen teacher over every training row not cached yet (steps cache their rows as they go). */
  async fillTeacherCache(): Promise<void> {
    await this.cache.fillAll();
  }

  /** One update: on the student's own samples when the schedule says so, else off-policy KD. */
  async step(h: OnPolicyHyper, lr: number): Promise<OnPolicyStepResult> {
    const problems = lambdaProblems(h.lambda);
    if (problems.length) throw new Error(problems.join('; '));
    const onPolicy = isOnPolicyStep(this.steps, h.lambda);
    const loss = onPolicy ? await this.onPolicyUpdate(h.batchSize, lr) : this.offPolicyUpdate(h, lr);
    if (onPolicy) this.onPolicySteps++;
    this.steps++;
    return { loss, onPolicy };
  }

  /** DistillStep's student update (stepLoss: α·T²·KL(p ‖ q) + (1 − α)·CE) on the next dataset batch. */
  offPolicyUpdate(h: Pick<Hyper, 'temperature' | 'alpha' | 'batchSize'>, lr: number): tf.Scalar {
    const rows = this.sampler.next(h.batchSize);
    this.cache.ensure(rows);
    return tf.tidy(() => {
      const rowIdx = tf.tensor1d(rows, 'int32');
      const b = gatherBatch(this.set, rows, rowIdx);
      const cached = this.cache.at(h.temperature);
      const [B, T, V] = [rows.length, this.set.seqLen, this.task.vocab.length];
      const batchRows = (t: tf.Tensor2D, k: number) =>
        tf.gather(t.reshape([this.set.count, T * k]), rowIdx).reshape([B * T, k]) as tf.Tensor2D; // (B*T, k)
      const teacher = {
        probs: batchRows(cached.probs, V),
        offsets: batchRows(cached.offsets, 2),
        softMask: b.softMask,
        softCount: b.softCount,
      };
      const weights = { temperature: h.temperature, alpha: h.alpha, beta: 0, gamma: 0, delta: 0 };
      return this.opt.minimize(() => {
        const logits = this.student.forward(b.inputs, { training: true }).logits.reshape([B * T, V]) as tf.Tensor2D;
        return stepLoss(
          { studentLogits: logits, targets: b.targets, hardMask: b.hardMask, hardCount: b.hardCount, teacher },
          weights,
        ).total;
      }, lr);
    });
  }

  /** The student samples B sequences; the frozen teacher scores every sampled position; reverse KL. */
  async onPolicyUpdate(batchSize: number, lr: number): Promise<tf.Scalar> {
    const T = this.student.config.blockSize;
    const V = this.student.config.vocabSize;
    const samples = await sampleSequences(this.student, batchSize, deriveSeed(this.seed, `on-policy:${this.steps}`), {
      eos: this.eos,
    });
    const { inputs, mask } = onPolicyBatch(samples, T);
    return tf.tidy(() => {
      const ids = tf.tensor2d(inputs, [batchSize, T], 'int32'); // (B, T)
      const m = tf.tensor1d(mask); // (B*T)
      // The teacher's logits on the student's samples: constants, outside the gradient closure.
      const teacherLogits = this.teacher.forward(ids).logits.reshape([batchSize * T, V]) as tf.Tensor2D; // (B*T, V)
      return this.opt.minimize(() => {
        const logits = this.student.forward(ids, { training: true }).logits.reshape([batchSize * T, V]) as tf.Tensor2D;
        return onPolicyReverseKl(logits, teacherLogits, m);
      }, lr);
    });
  }

  /** Disposes the student, the optimizer state, the set and the teacher cache (not the teacher). */
  dispose(): void {
    this.student.dispose();
    disposeSet(this.set);
    this.opt.dispose();
    this.cache.dispose();
  }
}
