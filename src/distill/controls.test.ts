// The controls' soft targets: the permuted teacher (hand-checked rows) and the uniform target as
// label smoothing (hand-computed loss values through the stacked objective).

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { permuteNonTargets } from './controls';
import { stackedStepLoss } from './stackedLoss';
import { teacherTargets } from './stepLoss';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('permuteNonTargets (control: the teacher without its dark knowledge)', () => {
  const V = 5;
  // two rows; row 0's top token is 2, row 1's is 0
  const logits = Float32Array.from([0.1, 0.2, 3.0, -1.0, 0.5, 4.0, 1.0, 2.0, 3.0, -2.0]);

  it('keeps the top token of each row in place and permutes the others among themselves, fixed by the seed', () => {
    const a = permuteNonTargets(logits, V, { seed: 7, keep: 'top1', support: null });
    const b = permuteNonTargets(logits, V, { seed: 7, keep: 'top1', support: null });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a[2]).toBe(logits[2]);
    expect(a[5]).toBe(logits[5]);
    const rest = (x: Float32Array, r: number, kept: number) =>
      Array.from(x.subarray(r * V, (r + 1) * V))
        .filter((_, v) => v !== kept)
        .sort();
    expect(rest(a, 0, 2)).toEqual(rest(logits, 0, 2));
    expect(rest(a, 1, 0)).toEqual(rest(logits, 1, 0));
    // some other seed moves something (3! · 4! − 1 of the pairs of permutations do)
    const moved = [1, 2, 3, 4, 5, 6].some((s) =>
      permuteNonTargets(logits, V, { seed: s, keep: 'top1', support: null }).some((x, i) => x !== logits[i]),
    );
    expect(moved).toBe(true);
  });

  it("softmax commutes with it: the kept probability and the entropy are the teacher's at every T", () => {
    const perm = permuteNonTargets(logits, V, { seed: 3, keep: 'top1', support: null });
    for (const T of [1, 4]) {
      const p = tf.tidy(() => teacherTargets(tf.tensor2d(logits, [2, V]), T).probs.arraySync());
      const q = tf.tidy(() => teacherTargets(tf.tensor2d(perm, [2, V]), T).probs.arraySync());
      expect(q[0][2]).toBeCloseTo(p[0][2], 6);
      expect(q[1][0]).toBeCloseTo(p[1][0], 6);
      const H = (r: number[]) => -r.reduce((s, x) => s + x * Math.log(x), 0);
      expect(H(q[0])).toBeCloseTo(H(p[0]), 5);
      expect(H(q[1])).toBeCloseTo(H(p[1]), 5);
    }
  });

  it('keep = label keeps the label token; a support leaves tokens outside it where they are', () => {
    const a = permuteNonTargets(logits, V, { seed: 1, keep: 'label', support: null }, Int32Array.from([4, 1]));
    expect(a[4]).toBe(logits[4]);
    expect(a[5 + 1]).toBe(logits[5 + 1]);
    const support = Int32Array.from([0, 2, 3]); // e.g. the class tokens
    for (let s = 0; s < 5; s++) {
      const b = permuteNonTargets(logits, V, { seed: s, keep: 'top1', support });
      // outside the support: untouched; top among the support kept (row 0: token 2, row 1: token 0)
      for (const i of [1, 4, 6, 9, 2, 5]) expect(b[i]).toBe(logits[i]);
      // tokens 0 and 3 of row 0 swap or stay; 2 and 3 of row 1 likewise
      expect([b[0], b[3]].sort()).toEqual([logits[0], logits[3]].sort());
      expect([b[7], b[8]].sort()).toEqual([logits[7], logits[8]].sort());
    }
    expect(() => permuteNonTargets(logits, V, { seed: 1, keep: 'label', support: null })).toThrow(/needs 2 labels/);
    expect(() => permuteNonTargets(logits, V, { seed: 1, keep: 'top1', support: Int32Array.from([7]) })).toThrow(
      /outside the vocabulary/,
    );
  });
});

describe('uniform soft target (control: label smoothing without a teacher)', () => {
  it("with α = ε and T = 1 the member's loss is label-smoothed cross-entropy − ε·log V (hand-computed)", async () => {
    // one scored row, logits [2, 0, −1], label 0, ε = 0.1:
    //   log q = z − log(e² + 1 + e⁻¹) = [−0.169846, −2.169846, −3.169846]
    //   hard = 0.169846;  KL(u ‖ q) = −log 3 + (0.169846 + 2.169846 + 3.169846)/3 = 0.737900
    //   total = 0.9 · 0.169846 + 0.1 · 0.737900 = 0.226651
    //   smoothed target (0.9333, 0.0333, 0.0333): CE = 0.336513; − 0.1 · log 3 = 0.226651
    const z = [2, 0, -1];
    const lse = Math.log(z.reduce((s, x) => s + Math.exp(x), 0));
    const logq = z.map((x) => x - lse);
    const eps = 0.1;
    const hard = -logq[0];
    const kl = -Math.log(3) - logq.reduce((s, x) => s + x, 0) / 3;
    const smoothed = -((1 - eps + eps / 3) * logq[0] + (eps / 3) * (logq[1] + logq[2]));
    expect(hard).toBeCloseTo(0.169846, 5);
    expect(kl).toBeCloseTo(0.7379, 5);
    expect((1 - eps) * hard + eps * kl).toBeCloseTo(0.226651, 5);
    expect(smoothed - eps * Math.log(3)).toBeCloseTo(0.226651, 5);

    const values = tf.tidy(() => {
      const uniform = teacherTargets(tf.zeros([1, 3]) as tf.Tensor2D, 1);
      return stackedStepLoss(
        {
          logits: tf.tensor3d(z, [1, 1, 3]),
          targets: tf.tensor1d([0], 'int32'),
          hardMask: tf.tensor1d([1]),
          hardCount: 1,
          soft: {
            probs: uniform.probs.reshape([1, 1, 3]) as tf.Tensor3D,
            offsets: uniform.offsets.reshape([1, 1, 2]) as tf.Tensor3D,
            softMask: tf.tensor1d([1]),
            softCount: 1,
          },
        },
        [{ temperature: 1, alpha: eps, beta: 0, gamma: 0, delta: 0 }],
      ).values;
    });
    const [total, h, soft] = await values.data();
    values.dispose();
    expect(total).toBeCloseTo(0.226651, 5);
    expect(h).toBeCloseTo(0.169846, 5);
    expect(soft).toBeCloseTo(0.7379, 5);
  });
});
