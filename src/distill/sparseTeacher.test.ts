import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../rng';
import { bytesPerPosition, sampledTargets, topKBias, topKTargets } from './sparseTeacher';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const softmax = (z: number[], T = 1) => {
  const m = Math.max(...z.map((v) => v / T));
  const e = z.map((v) => Math.exp(v / T - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

async function rows(t: tf.Tensor): Promise<number[][]> {
  const out = (await t.array()) as number[][];
  t.dispose();
  return out;
}

const logits = [
  [2, 0.5, -1, 1, 0],
  [0, 3, 0.2, -2, 1],
];

describe('top-k teacher', () => {
  it('keeps the k most probable tokens of softmax(z/T), renormalised (hand-computed)', async () => {
    const [r0, r1] = await rows(tf.tidy(() => topKTargets(tf.tensor2d(logits), 2, 2)));
    const p0 = softmax(logits[0], 2);
    const h0 = p0[0] + p0[3];
    [p0[0] / h0, 0, 0, p0[3] / h0, 0].forEach((v, i) => expect(r0[i]).toBeCloseTo(v, 6));
    const p1 = softmax(logits[1], 2);
    const h1 = p1[1] + p1[4];
    [0, p1[1] / h1, 0, 0, p1[4] / h1].forEach((v, i) => expect(r1[i]).toBeCloseTo(v, 6));
  });

  it('is the full softmax at k = V and rejects k outside [1, V]', async () => {
    const [r0] = await rows(tf.tidy(() => topKTargets(tf.tensor2d(logits), 1.5, 5)));
    softmax(logits[0], 1.5).forEach((v, i) => expect(r0[i]).toBeCloseTo(v, 6));
    expect(() => tf.tidy(() => topKTargets(tf.tensor2d(logits), 1, 6))).toThrow(/integer k in \[1, 5\]/);
  });

  it('its bias: tail mass moved onto the head, KL(target ‖ p) = −log(1 − tail), more confident than p', () => {
    const p = [0.5, 0.2, 0.15, 0.1, 0.05];
    const b = topKBias(p, 2);
    expect(b.tailMass).toBeCloseTo(0.3, 12);
    expect(b.target.map((v) => Number(v.toFixed(6)))).toEqual([0.714286, 0.285714, 0, 0, 0]);
    expect(b.klTargetToTeacher).toBeCloseTo(-Math.log(0.7), 12);
    const direct = b.target.reduce((s, t, i) => s + (t > 0 ? t * Math.log(t / p[i]) : 0), 0);
    expect(b.klTargetToTeacher).toBeCloseTo(direct, 12);
    expect(b.confidenceGain).toBeCloseTo(0.714286 - 0.5, 5);
    expect(topKBias(p, 5).tailMass).toBeCloseTo(0, 12);
  });
});

describe('sampled-k teacher', () => {
  it('maps each uniform to the token whose CDF interval holds it (hand-computed)', async () => {
    const p = softmax(logits[0]);
    const cdf = p.map((_, i) => p.slice(0, i + 1).reduce((a, b) => a + b, 0));
    // One draw in the middle of each token's interval, two of them in token 0's.
    const us = [cdf[0] / 2, cdf[0] / 3, (cdf[1] + cdf[2]) / 2, (cdf[3] + cdf[4]) / 2];
    const [r] = await rows(tf.tidy(() => sampledTargets(tf.tensor2d([logits[0]]), 1, tf.tensor2d([us]))));
    expect(r).toEqual([0.5, 0, 0.25, 0, 0.25]);
  });

  it('is unbiased: the mean of many draws is p (within 4 standard errors per token)', async () => {
    const rng = mulberry32(7);
    const k = 4000;
    const us = Array.from({ length: k }, () => rng());
    const [r] = await rows(tf.tidy(() => sampledTargets(tf.tensor2d([logits[1]]), 2, tf.tensor2d([us]))));
    const p = softmax(logits[1], 2);
    p.forEach((pi, i) => expect(Math.abs(r[i] - pi)).toBeLessThan(4 * Math.sqrt((pi * (1 - pi)) / k)));
    expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('the same uniforms give the same targets; a u at the top of the CDF stays in the vocabulary', async () => {
    const us = [[0.1, 0.9999999]];
    const a = await rows(tf.tidy(() => sampledTargets(tf.tensor2d([logits[0]]), 1, tf.tensor2d(us))));
    const b = await rows(tf.tidy(() => sampledTargets(tf.tensor2d([logits[0]]), 1, tf.tensor2d(us))));
    expect(a).toEqual(b);
    expect(a[0].reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
  });
});

describe('bytes per position and tensor hygiene', () => {
  it('counts float32 values and 2-byte indices (4 above 65,536 tokens)', () => {
    expect(bytesPerPosition('full', 99, 8)).toBe(396);
    expect(bytesPerPosition('top-k', 99, 8)).toBe(48);
    expect(bytesPerPosition('sampled-k', 99, 8)).toBe(16);
    expect(bytesPerPosition('top-k', 128_000, 8)).toBe(64);
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    await rows(tf.tidy(() => topKTargets(tf.tensor2d(logits), 2, 3)));
    await rows(
      tf.tidy(() =>
        sampledTargets(
          tf.tensor2d(logits),
          2,
          tf.tensor2d([
            [0.2, 0.7],
            [0.4, 0.9],
          ]),
        ),
      ),
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
