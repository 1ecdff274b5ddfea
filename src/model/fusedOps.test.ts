// The hand-written gradients of fusedOps.ts against tfjs's autodiff of the plain expressions. The
// matMul wrapper only differs from tf.matMul on tfjs-backend-wasm, so it is checked there.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gelu, layerNorm, matMul } from './fusedOps';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  return (await tf.sub(a, b).abs().max().data())[0];
}

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

describe('fused ops: same values and gradients as autodiff of the plain expressions', () => {
  for (const withBias of [false, true]) {
    it(`layerNorm (bias=${withBias})`, async () => {
      const x = rand([2, 3, 8], 1);
      const w = rand([8], 2).add(1) as tf.Tensor1D;
      const b = withBias ? (rand([8], 3) as tf.Tensor1D) : null;
      const dy = rand([2, 3, 8], 4);
      const plain = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null) => {
        const { mean, variance } = tf.moments(x, -1, true);
        const y = x
          .sub(mean)
          .mul(tf.rsqrt(variance.add(1e-5)))
          .mul(w);
        return b ? y.add(b) : y;
      };
      const inputs = b ? [x, w, b] : [x, w];
      const ref = tf.grads((...a: tf.Tensor[]) =>
        plain(a[0], a[1], a[2] ?? null)
          .mul(dy)
          .sum(),
      )(inputs);
      const got = tf.grads((...a: tf.Tensor[]) =>
        layerNorm(a[0], a[1] as tf.Tensor1D, (a[2] as tf.Tensor1D) ?? null, 1e-5)
          .mul(dy)
          .sum(),
      )(inputs);
      expect(await maxAbsDiff(plain(x, w, b), layerNorm(x, w, b, 1e-5))).toBeLessThan(1e-5);
      for (let i = 0; i < inputs.length; i++) expect(await maxAbsDiff(ref[i], got[i])).toBeLessThan(1e-4);
    });
  }

  it('gelu (exact erf)', async () => {
    const u = rand([4, 16], 5).mul(2);
    const plain = (u: tf.Tensor) => u.mul(tf.erf(u.mul(Math.SQRT1_2)).add(1)).mul(0.5);
    expect(await maxAbsDiff(plain(u), gelu(u))).toBeLessThan(1e-6);
    const ref = tf.grad((u: tf.Tensor) => plain(u).square().sum())(u);
    const got = tf.grad((u: tf.Tensor) => gelu(u).square().sum())(u);
    expect(await maxAbsDiff(ref, got)).toBeLessThan(1e-4);
  });

  it('matMul on wasm: every transpose combination, with and without a constant operand', async () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[5, 3], [3, 4], false, false],
      [[5, 3], [4, 3], false, true],
      [[3, 5], [3, 4], true, false],
      [[3, 5], [4, 3], true, true],
      [[2, 2, 5, 3], [2, 2, 4, 3], false, true], // attention scores
      [[2, 1, 5], [2, 5, 3], false, false], // a selector
    ];
    const expected: Float32Array[][] = [];
    for (const [i, [sa, sb, ta, tb]] of cases.entries()) {
      const [a, b] = [rand(sa, 10 + i), rand(sb, 20 + i)];
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, ta, tb).square().sum();
      const [ga, gb] = tf.grads(f)([a, b]);
      expected.push([
        (await tf.matMul(a, b, ta, tb).data()) as Float32Array,
        (await ga.data()) as Float32Array,
        (await gb.data()) as Float32Array,
      ]);
    }
    expect(await tf.setBackend('wasm')).toBe(true);
    for (const [i, [sa, sb, ta, tb]] of cases.entries()) {
      const [a, b] = [rand(sa, 10 + i), rand(sb, 20 + i)];
      const [value, ga, gb] = expected[i].map((e, j) =>
        tf.tensor(e, j === 0 ? tf.matMul(a, b, ta, tb).shape : j === 1 ? sa : sb),
      );
      expect(await maxAbsDiff(matMul(a, b, ta, tb), value), `case ${i}`).toBeLessThan(1e-4);
      const both = tf.grads((x: tf.Tensor, y: tf.Tensor) => matMul(x, y, ta, tb).square().sum())([a, b]);
      expect(await maxAbsDiff(both[0], ga), `case ${i} dA`).toBeLessThan(1e-3);
      expect(await maxAbsDiff(both[1], gb), `case ${i} dB`).toBeLessThan(1e-3);
      const onlyB = tf.grad((y: tf.Tensor) => matMul(a, y, ta, tb, 'a').square().sum())(b);
      expect(await maxAbsDiff(onlyB, gb), `case ${i} dB, a constant`).toBeLessThan(1e-3);
      const onlyA = tf.grad((x: tf.Tensor) => matMul(x, b, ta, tb, 'b').square().sum())(a);
      expect(await maxAbsDiff(onlyA, ga), `case ${i} dA, b constant`).toBeLessThan(1e-3);
    }
  });
});
