// The flat, grouped AdamW against a per-variable AdamW written out in the test (the textbook update,
// one variable at a time): the same parameters after several steps, with clipping, decay on
// matrices only, a group that gets no gradient, and a group that gets gradients for only some.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, type AdamWOptions } from './adamw';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const OPTS: AdamWOptions = { beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1, clipNorm: 0.5 };

/** Per-variable reference on plain arrays: returns the parameters after each step. */
function reference(
  params: Float64Array[],
  matrix: boolean[],
  grads: (Float64Array | null)[][],
  lrs: number[],
  o: AdamWOptions,
): Float64Array[] {
  const p = params.map((x) => Float64Array.from(x));
  const m = p.map((x) => new Float64Array(x.length));
  const v = p.map((x) => new Float64Array(x.length));
  grads.forEach((gs, step) => {
    const t = step + 1;
    const norm = Math.sqrt(gs.reduce((a, g) => a + (g ? g.reduce((b, x) => b + x * x, 0) : 0), 0));
    const scale = Math.min(1, o.clipNorm / Math.max(norm, 1e-30));
    gs.forEach((g, i) => {
      if (!g) return;
      for (let j = 0; j < g.length; j++) {
        const gj = g[j] * scale;
        m[i][j] = o.beta1 * m[i][j] + (1 - o.beta1) * gj;
        v[i][j] = o.beta2 * v[i][j] + (1 - o.beta2) * gj * gj;
        const mh = m[i][j] / (1 - o.beta1 ** t);
        const vh = v[i][j] / (1 - o.beta2 ** t);
        p[i][j] -=
          lrs[step] * (mh / (Math.sqrt(vh) + o.epsilon)) + (matrix[i] ? lrs[step] * o.weightDecay * p[i][j] : 0);
      }
    });
  });
  return p;
}

describe('AdamW (flat groups)', () => {
  it('matches a per-variable AdamW over several steps, groups skipped and partial included', async () => {
    const shapes = [[3, 4], [4], [2, 2], [5], [3]];
    const matrix = shapes.map((s) => s.length >= 2);
    const init = shapes.map((s, i) =>
      Float64Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, j) => Math.sin(i * 7 + j)),
    );
    const vars = shapes.map((s, i) => tf.variable(tf.tensor(Array.from(init[i]), s)));
    // groups: [0, 1] always used; [2] used on steps 2 and 3 only; [3, 4] partially (4 only on step 3)
    const opt = new AdamW([[vars[0], vars[1]], [vars[2]], [vars[3], vars[4]]], OPTS);
    const coef = shapes.map((s, i) =>
      Float64Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, j) => Math.cos(i * 3 + j) * (i + 1)),
    );
    const uses = [
      [true, true, false, true, false],
      [true, true, true, true, false],
      [true, true, true, true, true],
    ];
    const lrs = [0.1, 0.05, 0.02];
    const grads: (Float64Array | null)[][] = [];
    for (let step = 0; step < 3; step++) {
      // loss = Σ_used Σ coef·w  + 0.5·Σ w² on var 0 (so its gradient depends on the weights)
      const used = uses[step];
      const w0 = await vars[0].data();
      const g0 = Float64Array.from(coef[0], (c, j) => c + w0[j]);
      grads.push(shapes.map((_, i) => (used[i] ? (i === 0 ? g0 : coef[i]) : null)));
      opt
        .minimize(() => {
          let loss = vars[0].square().sum().mul(0.5) as tf.Scalar;
          used.forEach((u, i) => {
            if (u) loss = loss.add(vars[i].mul(tf.tensor(Array.from(coef[i]), shapes[i])).sum()) as tf.Scalar;
          });
          return loss;
        }, lrs[step])
        .dispose();
    }
    const expected = reference(init, matrix, grads, lrs, OPTS);
    for (let i = 0; i < vars.length; i++) {
      const got = await vars[i].data();
      got.forEach((x, j) => expect(x, `var ${i}[${j}]`).toBeCloseTo(expected[i][j], 5));
    }
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });
});
