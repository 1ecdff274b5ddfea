// StackedAdamW against adamw.ts's AdamW run on each member alone: the same parameters after several
// steps with per-member clipping norms (one member's gradient clipped, another's not), decay on
// matrices only, a learning rate per member, and a member left untouched while inactive.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, type AdamWOptions } from './adamw';
import { StackedAdamW } from './stackedAdamw';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const OPTS: AdamWOptions = { beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1, clipNorm: 1 };
const SHAPES = [[3, 4], [4], [2, 2]];

describe('StackedAdamW', () => {
  it('each member is updated as AdamW would update it alone, with its own gradient norm', async () => {
    const K = 3;
    // Gradient scale per member: member 0 far above the clip norm, 1 below it, 2 near it.
    const scales = [50, 0.05, 1];
    const lrs = [
      [1e-2, 5e-3, 2e-2],
      [2e-2, 5e-3, 2e-2],
      [3e-2, 1e-3, 2e-2],
    ];
    const init = SHAPES.map((s, i) => tf.randomNormal([K, ...s], 0, 1, 'float32', 10 + i));
    const stacked = init.map((t) => tf.variable(t.clone()));
    const singles = Array.from({ length: K }, (_, k) =>
      init.map((t) => tf.variable(t.slice(k, 1).reshape(t.shape.slice(1)))),
    );
    const sOpt = new StackedAdamW(K, stacked, OPTS);
    const opts = singles.map((vars) => new AdamW(vars, OPTS));
    // loss = Σ_k scale_k · Σ_i <c_i[k], p_i[k]²> / 2: a gradient that depends on the parameters
    const coef = SHAPES.map((s, i) => tf.randomNormal([K, ...s], 0, 1, 'float32', 20 + i));
    for (let step = 0; step < 4; step++) {
      sOpt.minimize(
        () =>
          tf
            .addN(
              stacked.map((p, i) =>
                p
                  .square()
                  .mul(coef[i])
                  .mul(tf.tensor(scales).reshape([K, ...SHAPES[i].map(() => 1)]))
                  .sum(),
              ),
            )
            .mul(0.5) as tf.Scalar,
        lrs[step % 3],
      );
      singles.forEach((vars, k) =>
        opts[k].minimize(
          () =>
            tf
              .addN(vars.map((p, i) => p.square().mul(coef[i].slice(k, 1).reshape(SHAPES[i])).sum()))
              .mul(0.5 * scales[k]) as tf.Scalar,
          lrs[step % 3][k],
        ),
      );
    }
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < SHAPES.length; i++) {
        const got = (await stacked[i].slice(k, 1).data()) as Float32Array;
        const ref = (await singles[k][i].data()) as Float32Array;
        got.forEach((x, j) => expect(x).toBeCloseTo(ref[j], 6));
      }
    }
    // the stacked moments are the members' moments side by side
    const { m } = sOpt.moments()[0];
    const mk = (await m.slice(1, 1).data()) as Float32Array;
    const ref = (await opts[1].moments()[0].m.data()) as Float32Array;
    mk.forEach((x, j) => expect(x).toBeCloseTo(ref[j], 7));
    sOpt.dispose();
    opts.forEach((o) => o.dispose());
    tf.dispose([...init, ...stacked, ...singles.flat(), ...coef]);
  });

  it('an inactive member keeps its parameters and moments bit for bit; a group without gradients is skipped', async () => {
    const K = 2;
    const a = tf.variable(tf.randomNormal([K, 3, 2], 0, 1, 'float32', 1));
    const b = tf.variable(tf.randomNormal([K, 2], 0, 1, 'float32', 2));
    const unused = tf.variable(tf.randomNormal([K, 4], 0, 1, 'float32', 3));
    const opt = new StackedAdamW(K, [[a], [b], [unused]], OPTS);
    const before = { b: Array.from(await b.data()), unused: Array.from(await unused.data()) };
    for (let i = 0; i < 3; i++)
      opt.minimize(() => a.square().sum().add(b.mul(3).sum()) as tf.Scalar, 1e-2, [null, [true, false], null]);
    const after = Array.from(await b.data());
    expect(after.slice(2)).toEqual(before.b.slice(2)); // member 1 of group b: untouched
    expect(after.slice(0, 2)).not.toEqual(before.b.slice(0, 2));
    expect(Array.from((await opt.moments()[1].m.data()) as Float32Array).slice(2)).toEqual([0, 0]);
    expect(Array.from(await unused.data())).toEqual(before.unused);
    opt.dispose();
    tf.dispose([a, b, unused]);
  });

  it('refuses variables that are not stacked over K members', () => {
    const v = tf.variable(tf.zeros([3, 2]));
    expect(() => new StackedAdamW(2, [v])).toThrow(/not stacked over 2 members/);
    v.dispose();
  });
});
