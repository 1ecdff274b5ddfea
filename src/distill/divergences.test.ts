import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { softDistillation } from './losses';
import {
  SOFT_DIVERGENCES,
  smoothedCrossEntropy,
  softDivergence,
  softTerm,
  softTermProblems,
  type SoftDivergence,
  type SoftTermSpec,
} from './divergences';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Plain-JS reference values, independent of tfjs.
function softmax(z: number[], T = 1): number[] {
  const m = Math.max(...z.map((v) => v / T));
  const e = z.map((v) => Math.exp(v / T - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
const kl = (p: number[], q: number[]) => p.reduce((acc, pi, i) => acc + (pi > 0 ? pi * Math.log(pi / q[i]) : 0), 0);
const entropy = (p: number[]) => -p.reduce((acc, pi) => acc + (pi > 0 ? pi * Math.log(pi) : 0), 0);
const mix = (p: number[], q: number[], b: number) => p.map((pi, i) => b * pi + (1 - b) * q[i]);

const zs = [
  [2, 0.5, -1, 0],
  [0, 1, 0, 3],
];
const zt = [
  [3, 1, -2, 0.5],
  [-1, 2, 0.5, 1],
];
const T = 2;
const ps = zt.map((z) => softmax(z, T)); // teacher
const qs = zs.map((z) => softmax(z, T)); // student

async function perPosition(divergence: SoftDivergence, jsdBeta = 0.5, temperature = T): Promise<number[]> {
  const out = tf.tidy(() => softDivergence(tf.tensor2d(zs), tf.tensor2d(zt), temperature, { divergence, jsdBeta }));
  const values = Array.from(await out.data());
  out.dispose();
  return values;
}

function expectClose(actual: number[], expected: number[], digits = 5): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i], digits));
}

describe('soft divergences against hand-computed values', () => {
  it('forward KL is KL(p ‖ q) with p the teacher', async () => {
    expectClose(
      await perPosition('forward-kl'),
      ps.map((p, i) => kl(p, qs[i])),
    );
  });

  it('reverse KL is KL(q ‖ p), and differs from forward KL on these rows', async () => {
    const reverse = await perPosition('reverse-kl');
    expectClose(
      reverse,
      ps.map((p, i) => kl(qs[i], p)),
    );
    expect(Math.abs(reverse[0] - kl(ps[0], qs[0]))).toBeGreaterThan(1e-3);
  });

  it('soft cross-entropy is KL(p ‖ q) + H(p)', async () => {
    expectClose(
      await perPosition('soft-ce'),
      ps.map((p, i) => kl(p, qs[i]) + entropy(p)),
    );
  });

  it('logit MSE is the mean squared logit difference, whatever T', async () => {
    const expected = zs.map((z, i) => z.reduce((a, v, j) => a + (v - zt[i][j]) ** 2, 0) / z.length);
    expectClose(await perPosition('logit-mse', 0.5, 1), expected);
    expectClose(await perPosition('logit-mse', 0.5, 7), expected);
  });

  it('JSD(½) is 4·JS(p, q), the symmetric Jensen–Shannon divergence', async () => {
    const js = ps.map((p, i) => {
      const m = mix(p, qs[i], 0.5);
      return 0.5 * kl(p, m) + 0.5 * kl(qs[i], m);
    });
    expectClose(
      await perPosition('jsd', 0.5),
      js.map((v) => 4 * v),
    );
  });

  it('JSD(β) at β = 0.3 is [β·KL(p ‖ m) + (1 − β)·KL(q ‖ m)] / (β(1 − β)) with m = β·p + (1 − β)·q', async () => {
    const b = 0.3;
    const expected = ps.map((p, i) => {
      const m = mix(p, qs[i], b);
      return (b * kl(p, m) + (1 - b) * kl(qs[i], m)) / (b * (1 - b));
    });
    expectClose(await perPosition('jsd', b), expected);
  });
});

describe('JSD endpoints are the two KLs (no jump at 0 or 1)', () => {
  it('β = 0 is forward KL and β = 1 is reverse KL exactly', async () => {
    expectClose(await perPosition('jsd', 0), await perPosition('forward-kl'), 6);
    expectClose(await perPosition('jsd', 1), await perPosition('reverse-kl'), 6);
  });

  it('tends to them continuously: β = 1e-3 and 1 − 1e-3 are within 1 % of the KLs', async () => {
    const forward = await perPosition('forward-kl');
    const reverse = await perPosition('reverse-kl');
    const near0 = await perPosition('jsd', 1e-3);
    const near1 = await perPosition('jsd', 1 - 1e-3);
    near0.forEach((v, i) => expect(Math.abs(v - forward[i]) / forward[i]).toBeLessThan(0.01));
    near1.forEach((v, i) => expect(Math.abs(v - reverse[i]) / reverse[i]).toBeLessThan(0.01));
  });
});

describe('softTerm: masking and T²', () => {
  const spec = (divergence: SoftDivergence, scaleByTSquared = true): SoftTermSpec => ({
    divergence,
    jsdBeta: 0.5,
    scaleByTSquared,
  });
  const value = async (s: SoftTermSpec, mask = [1, 1]) => {
    const out = tf.tidy(() => softTerm(tf.tensor2d(zs), tf.tensor2d(zt), T, tf.tensor1d(mask), s));
    const v = (await out.data())[0];
    out.dispose();
    return v;
  };

  it('forward KL with T² is the existing reference soft term', async () => {
    const reference = tf.tidy(() => softDistillation(tf.tensor2d(zs), tf.tensor2d(zt), T, tf.tensor1d([1, 1])));
    expect(await value(spec('forward-kl'))).toBeCloseTo((await reference.data())[0], 6);
    reference.dispose();
  });

  it('T² on/off differ by exactly T², and never for logit MSE', async () => {
    expect(await value(spec('reverse-kl', true))).toBeCloseTo(T * T * (await value(spec('reverse-kl', false))), 5);
    expect(await value(spec('logit-mse', true))).toBeCloseTo(await value(spec('logit-mse', false)), 6);
  });

  it('averages over scored positions only', async () => {
    const forward = ps.map((p, i) => kl(p, qs[i]));
    expect(await value(spec('forward-kl', false), [0, 1])).toBeCloseTo(forward[1], 5);
  });
});

describe('gradients', () => {
  // Central differences in float64 on the JS side against tf.grad in float32 on cpu.
  function jsValue(divergence: SoftDivergence, z: number[], t: number[], b: number): number {
    const p = softmax(t, T);
    const q = softmax(z, T);
    switch (divergence) {
      case 'forward-kl':
        return kl(p, q);
      case 'reverse-kl':
        return kl(q, p);
      case 'soft-ce':
        return kl(p, q) + entropy(p);
      case 'logit-mse':
        return z.reduce((a, v, j) => a + (v - t[j]) ** 2, 0) / z.length;
      case 'jsd': {
        const m = mix(p, q, b);
        return (b * kl(p, m) + (1 - b) * kl(q, m)) / (b * (1 - b));
      }
    }
  }

  for (const divergence of SOFT_DIVERGENCES) {
    it(`${divergence}: tf.grad matches central differences`, async () => {
      const b = 0.3;
      const z = zs[0];
      const t = zt[0];
      const g = tf.tidy(() =>
        tf.grad((x: tf.Tensor) =>
          softDivergence(x as tf.Tensor2D, tf.tensor2d([t]), T, { divergence, jsdBeta: b }).sum(),
        )(tf.tensor2d([z])),
      );
      const analytic = Array.from(await g.data());
      g.dispose();
      const h = 1e-5;
      const numeric = z.map((_, j) => {
        const up = z.map((v, k) => (k === j ? v + h : v));
        const down = z.map((v, k) => (k === j ? v - h : v));
        return (jsValue(divergence, up, t, b) - jsValue(divergence, down, t, b)) / (2 * h);
      });
      analytic.forEach((a, j) => expect(a).toBeCloseTo(numeric[j], 4));
      expect(numeric.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    });
  }
});

describe('robustness and validation', () => {
  it('stays finite with a −∞ teacher logit for every divergence but logit MSE', async () => {
    for (const divergence of SOFT_DIVERGENCES.filter((d) => d !== 'logit-mse')) {
      const out = tf.tidy(() =>
        softDivergence(tf.tensor2d([[1, 2, 0]]), tf.tensor2d([[2, -Infinity, 1]]), 1, { divergence, jsdBeta: 0.5 }),
      );
      const [v] = await out.data();
      out.dispose();
      expect(Number.isNaN(v)).toBe(false);
    }
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    for (const divergence of SOFT_DIVERGENCES) await perPosition(divergence, 0.4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a bad spec with words', () => {
    expect(softTermProblems({ divergence: 'jsd', jsdBeta: 0.5, scaleByTSquared: true })).toEqual([]);
    expect(softTermProblems({ divergence: 'jsd', jsdBeta: 1.5, scaleByTSquared: true })[0]).toMatch(
      /JSD β must be a number in \[0, 1\]/,
    );
    expect(softTermProblems({ divergence: 'js' as SoftDivergence, jsdBeta: 0.5, scaleByTSquared: true })[0]).toMatch(
      /soft divergence must be one of forward-kl/,
    );
  });
});

describe('label smoothing', () => {
  it('ε = 0.1 on logits [1, 2, 3], label 2: −Σ ((1 − ε)·onehot + ε/3)·log softmax', async () => {
    const q = softmax([1, 2, 3]);
    const eps = 0.1;
    const expected = -q.reduce((a, qi, i) => a + ((i === 2 ? 1 - eps : 0) + eps / 3) * Math.log(qi), 0);
    const out = tf.tidy(() =>
      smoothedCrossEntropy(tf.tensor2d([[1, 2, 3]]), tf.tensor1d([2], 'int32'), tf.tensor1d([1]), eps),
    );
    expect((await out.data())[0]).toBeCloseTo(expected, 5);
    out.dispose();
  });

  it('ε = 0 is the plain cross-entropy log(1 + e^-1 + e^-2)', async () => {
    const out = tf.tidy(() =>
      smoothedCrossEntropy(tf.tensor2d([[1, 2, 3]]), tf.tensor1d([2], 'int32'), tf.tensor1d([1]), 0),
    );
    expect((await out.data())[0]).toBeCloseTo(0.4076059644, 6);
    out.dispose();
  });

  it('rejects ε outside [0, 1)', () => {
    expect(() => smoothedCrossEntropy(tf.tensor2d([[1, 2]]), tf.tensor1d([0], 'int32'), tf.tensor1d([1]), 1)).toThrow(
      /label smoothing ε must be in \[0, 1\)/,
    );
  });
});

describe('the loss lab’s plain-number values (src/lossMath.ts) are the tensor values', () => {
  it('agree for every divergence on random logits, at several T and β', async () => {
    const { softValues } = await import('../lossMath');
    const rng = (await import('../rng')).mulberry32(3);
    const key: Record<SoftDivergence, keyof ReturnType<typeof softValues>> = {
      'forward-kl': 'forwardKl',
      'reverse-kl': 'reverseKl',
      jsd: 'jsd',
      'soft-ce': 'softCe',
      'logit-mse': 'logitMse',
    };
    for (const [T, b] of [
      [1, 0.2],
      [3, 0.5],
      [8, 0.9],
    ] as const) {
      const t = Array.from({ length: 7 }, () => 4 * rng() - 2);
      const s = Array.from({ length: 7 }, () => 4 * rng() - 2);
      const plain = softValues(t, s, T, b);
      for (const divergence of SOFT_DIVERGENCES) {
        const out = tf.tidy(() => softDivergence(tf.tensor2d([s]), tf.tensor2d([t]), T, { divergence, jsdBeta: b }));
        const [v] = await out.data();
        out.dispose();
        expect(v, `${divergence} at T=${T}`).toBeCloseTo(plain[key[divergence]], 5);
      }
    }
  });
});
