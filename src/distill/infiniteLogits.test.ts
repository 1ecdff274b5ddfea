// A logit of −∞ (a token masked out, a sparse teacher's dropped tail) must not turn the losses into
// NaN: 0 · log 0 counts as 0. Values against hand-computed cases; gradients finite; the fused
// objective (stepLoss) and the reference (distillationLoss) agree.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { distillationLoss, hardCrossEntropy, softDistillation } from './losses';
import { stepLoss, teacherTargets } from './stepLoss';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const NEG_INF = -Infinity;
const values = async (t: tf.Tensor) => Array.from(await t.data());

/** Plain-JS log-softmax at temperature T, −∞ entries giving −∞. */
function logSoftmax(z: number[], T = 1): number[] {
  const m = Math.max(...z.map((v) => v / T));
  const lse = Math.log(z.reduce((a, v) => a + Math.exp(v / T - m), 0)) + m;
  return z.map((v) => v / T - lse);
}

/** KL(p ‖ q) with 0 · log 0 = 0. */
function kl(logp: number[], logq: number[]): number {
  return logp.reduce((acc, lp, i) => (lp === NEG_INF ? acc : acc + Math.exp(lp) * (lp - logq[i])), 0);
}

const student = [
  [1, NEG_INF, 0.5, -1],
  [0.2, 2, NEG_INF, 0],
];
const teacher = [
  [2, NEG_INF, NEG_INF, 0],
  [NEG_INF, 1, NEG_INF, 3],
];
const labels = [0, 3];

describe('losses with −∞ logits', () => {
  it('hard CE ignores a −∞ logit on a wrong token: log-softmax of the rest', async () => {
    const loss = hardCrossEntropy(tf.tensor2d(student), tf.tensor1d(labels, 'int32'), tf.tensor1d([1, 1]));
    const expected = -(logSoftmax(student[0])[0] + logSoftmax(student[1])[3]) / 2;
    expect((await values(loss))[0]).toBeCloseTo(expected, 5);
  });

  it('soft term: a −∞ teacher logit is a zero-probability token (0 · log 0 = 0), T = 2', async () => {
    const T = 2;
    const loss = softDistillation(tf.tensor2d(student), tf.tensor2d(teacher), T, tf.tensor1d([1, 1]));
    const expected =
      (T *
        T *
        (kl(logSoftmax(teacher[0], T), logSoftmax(student[0], T)) +
          kl(logSoftmax(teacher[1], T), logSoftmax(student[1], T)))) /
      2;
    expect(Number.isFinite(expected)).toBe(true);
    expect((await values(loss))[0]).toBeCloseTo(expected, 4);
  });

  it('gradients stay finite, and the fused objective equals the reference', async () => {
    const w = { temperature: 2, alpha: 0.6, beta: 0, gamma: 0, delta: 0 };
    const zs = tf.tensor2d(student);
    const zt = tf.tensor2d(teacher);
    const targets = tf.tensor1d(labels, 'int32');
    const mask = tf.tensor1d([1, 1]);
    const ref = tf.valueAndGrad(
      (z: tf.Tensor) =>
        distillationLoss(
          { studentLogits: z as tf.Tensor2D, teacherLogits: zt, targets, hardMask: mask, softMask: mask },
          w,
        ).total,
    )(zs);
    const t = teacherTargets(zt, w.temperature);
    const fused = tf.valueAndGrad(
      (z: tf.Tensor) =>
        stepLoss(
          {
            studentLogits: z as tf.Tensor2D,
            targets,
            hardMask: mask,
            teacher: { probs: t.probs, offsets: t.offsets, softMask: mask },
          },
          w,
        ).total,
    )(zs);
    const [rv, fv] = [(await values(ref.value))[0], (await values(fused.value))[0]];
    expect(Number.isFinite(rv)).toBe(true);
    expect(fv).toBeCloseTo(rv, 4);
    const [rg, fg] = [await values(ref.grad), await values(fused.grad)];
    expect(rg.every(Number.isFinite), `reference gradient ${rg}`).toBe(true);
    expect(fg.every(Number.isFinite), `fused gradient ${fg}`).toBe(true);
    // The −∞ logits get no gradient: their probability is 0 and stays 0.
    expect(fg[1]).toBe(0);
    fg.forEach((g, i) => expect(g).toBeCloseTo(rg[i], 5));
  });

  it('a target on a token the student rules out (true value +∞) reports a huge finite loss, not NaN', async () => {
    const loss = hardCrossEntropy(tf.tensor2d([[0, NEG_INF]]), tf.tensor1d([1], 'int32'), tf.tensor1d([1]));
    const v = (await values(loss))[0];
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThan(1e20);
  });
});
