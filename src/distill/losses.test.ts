import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attentionLoss,
  distillationLoss,
  featureLoss,
  hardCrossEntropy,
  mapLayer,
  relationLoss,
  softDistillation,
} from './losses';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const read = async (t: tf.Tensor) => (await t.data())[0];

/** Plain-JS softmax, independent of tfjs, for expected values. */
function softmax(z: number[], T = 1): number[] {
  const m = Math.max(...z.map((v) => v / T));
  const e = z.map((v) => Math.exp(v / T - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function kl(p: number[], q: number[]): number {
  return p.reduce((acc, pi, i) => acc + (pi > 0 ? pi * Math.log(pi / q[i]) : 0), 0);
}

describe('hard cross-entropy', () => {
  it('matches the hand-computed value log(1 + e^-1 + e^-2) for logits [1,2,3], label 2', async () => {
    const loss = hardCrossEntropy(tf.tensor2d([[1, 2, 3]]), tf.tensor1d([2], 'int32'), tf.tensor1d([1]));
    expect(await read(loss)).toBeCloseTo(0.4076059644, 6);
  });

  it('averages over scored positions only', async () => {
    const logits = [
      [1, 2, 3],
      [0, 0, 0],
      [5, -1, 2],
    ];
    const labels = [2, 1, 0];
    const mask = [1, 0, 1];
    const loss = hardCrossEntropy(tf.tensor2d(logits), tf.tensor1d(labels, 'int32'), tf.tensor1d(mask));
    const expected = (-Math.log(softmax(logits[0])[2]) - Math.log(softmax(logits[2])[0])) / 2;
    expect(await read(loss)).toBeCloseTo(expected, 5);
  });

  it('is 0 (not NaN) when nothing is scored', async () => {
    const loss = hardCrossEntropy(tf.tensor2d([[1, 2]]), tf.tensor1d([0], 'int32'), tf.tensor1d([0]));
    expect(await read(loss)).toBe(0);
  });
});

describe('soft distillation term', () => {
  const zs = [
    [2, 0.5, -1, 0],
    [0, 1, 0, 3],
  ];
  const zt = [
    [3, 1, -2, 0.5],
    [-1, 2, 0, 1],
  ];

  it('equals T²·mean KL(softmax(zt/T) ‖ softmax(zs/T)) computed by hand', async () => {
    for (const T of [1, 2, 4]) {
      const got = await read(softDistillation(tf.tensor2d(zs), tf.tensor2d(zt), T, tf.tensor1d([1, 1])));
      const expected =
        ((kl(softmax(zt[0], T), softmax(zs[0], T)) + kl(softmax(zt[1], T), softmax(zs[1], T))) / 2) * T * T;
      expect(got).toBeCloseTo(expected, 5);
    }
  });

  it('KL(p ‖ p) = 0', async () => {
    const got = await read(softDistillation(tf.tensor2d(zt), tf.tensor2d(zt), 3, tf.tensor1d([1, 1])));
    expect(Math.abs(got)).toBeLessThan(1e-6);
  });

  it('carries the T² factor: gradient w.r.t. student logits is T·(p_s^T − p_t^T)/N', async () => {
    const T = 4;
    const zsT = tf.tensor2d(zs);
    const grad = tf.grad((z: tf.Tensor) => softDistillation(z as tf.Tensor2D, tf.tensor2d(zt), T, tf.tensor1d([1, 1])))(
      zsT,
    );
    const g = (await grad.array()) as number[][];
    for (let i = 0; i < 2; i++) {
      const ps = softmax(zs[i], T);
      const pt = softmax(zt[i], T);
      for (let j = 0; j < 4; j++) expect(g[i][j]).toBeCloseTo((T * (ps[j] - pt[j])) / 2, 5);
    }
  });

  it('stays finite for a teacher that is certain (no clipped probabilities)', async () => {
    const got = await read(softDistillation(tf.tensor2d([[0, 0]]), tf.tensor2d([[200, -200]]), 1, tf.tensor1d([1])));
    expect(got).toBeCloseTo(Math.log(2), 4);
  });
});

describe('total loss', () => {
  const inputs = () => ({
    studentLogits: tf.tensor2d([
      [1, 0, -1],
      [0.5, 0.2, 0.1],
    ]),
    teacherLogits: tf.tensor2d([
      [2, 1, -3],
      [0, 2, 0],
    ]),
    targets: tf.tensor1d([0, 1], 'int32'),
    hardMask: tf.tensor1d([1, 1]),
    softMask: tf.tensor1d([1, 1]),
  });

  it('α = 0 gives exactly the hard cross-entropy', async () => {
    const x = inputs();
    const terms = distillationLoss(x, { temperature: 3, alpha: 0, beta: 0, gamma: 0, delta: 0 });
    const hard = hardCrossEntropy(x.studentLogits, x.targets, x.hardMask);
    expect(await read(terms.total)).toBe(await read(hard));
  });

  it('is (1 − α)·hard + α·soft, with each term reported', async () => {
    const x = inputs();
    const alpha = 0.3;
    const terms = distillationLoss(x, { temperature: 2, alpha, beta: 0, gamma: 0, delta: 0 });
    const hard = await read(terms.hard);
    const soft = await read(terms.soft);
    expect(soft).toBeGreaterThan(0);
    expect(await read(terms.total)).toBeCloseTo((1 - alpha) * hard + alpha * soft, 6);
    expect(await read(terms.feature)).toBe(0);
  });

  it('passes a numerical gradient check w.r.t. the student logits', async () => {
    const x = inputs();
    const w = { temperature: 2.5, alpha: 0.6, beta: 0, gamma: 0, delta: 0 };
    const f = (z: tf.Tensor2D) => distillationLoss({ ...x, studentLogits: z }, w).total;
    const analytic = (await tf
      .grad((z: tf.Tensor) => f(z as tf.Tensor2D))(x.studentLogits)
      .array()) as number[][];
    const base = await x.studentLogits.array();
    const eps = 1e-2;
    for (let i = 0; i < base.length; i++) {
      for (let j = 0; j < base[i].length; j++) {
        const plus = base.map((r) => [...r]);
        const minus = base.map((r) => [...r]);
        plus[i][j] += eps;
        minus[i][j] -= eps;
        const numeric = ((await read(f(tf.tensor2d(plus)))) - (await read(f(tf.tensor2d(minus))))) / (2 * eps);
        expect(analytic[i][j]).toBeCloseTo(numeric, 3);
      }
    }
  });
});

describe('intermediate terms', () => {
  it('maps student layers evenly onto teacher layers, last to last', () => {
    expect([0, 1].map((i) => mapLayer(i, 2, 4))).toEqual([1, 3]);
    expect([0, 1, 2].map((i) => mapLayer(i, 3, 6))).toEqual([1, 3, 5]);
    expect(mapLayer(0, 1, 4)).toBe(3);
    expect([0, 1].map((i) => mapLayer(i, 2, 2))).toEqual([0, 1]);
  });

  it('feature loss: MSE after projection, over real tokens only', async () => {
    // B=1, T=2, Cs=1, Ct=2; projection [[2, -1]] maps h to (2h, -h).
    const hs = tf.tensor3d([[[1], [3]]]);
    const ht = tf.tensor3d([
      [
        [2, 0],
        [0, 0],
      ],
    ]);
    const proj = tf.tensor2d([[2, -1]]);
    const loss = featureLoss([hs], [ht], [proj], tf.tensor2d([[1, 0]]));
    // token 0: projected (2, -1) vs (2, 0) → mean sq = 0.5; token 1 masked out.
    expect(await read(loss)).toBeCloseTo(0.5, 6);
  });

  it('attention loss compares head-averaged maps and is 0 for identical maps', async () => {
    const a = tf.tensor4d([
      [
        [
          [1, 0],
          [0.5, 0.5],
        ],
        [
          [1, 0],
          [0.1, 0.9],
        ],
      ],
    ]); // (1, 2, 2, 2)
    const b = tf.tensor4d([
      [
        [
          [1, 0],
          [0.3, 0.7],
        ],
      ],
    ]); // one head = mean of a's heads
    expect(await read(attentionLoss([a], [b], tf.tensor2d([[1, 1]])))).toBeCloseTo(0, 6);
    const c = tf.tensor4d([
      [
        [
          [1, 0],
          [1, 0],
        ],
      ],
    ]);
    // query 1: (0.3, 0.7) vs (1, 0) → 0.49 + 0.49 = 0.98; averaged over 2 real queries → 0.49
    expect(await read(attentionLoss([a], [c], tf.tensor2d([[1, 1]])))).toBeCloseTo(0.49, 6);
  });

  it('relation loss is invariant to width and scale, and positive when similarities differ', async () => {
    const mask = tf.tensor2d([[1], [1]]);
    const hs = tf.tensor3d([[[1, 0]], [[0, 1]]]); // orthogonal pair
    const htSame = tf.tensor3d([[[5, 0, 0]], [[0, 0, 2]]]);
    const htAligned = tf.tensor3d([[[1, 0, 0]], [[1, 0, 0]]]);
    expect(await read(relationLoss(hs, htSame, mask))).toBeCloseTo(0, 6);
    // Gram off-diagonals 0 vs 1 → two entries of 1 over four → 0.5
    expect(await read(relationLoss(hs, htAligned, mask))).toBeCloseTo(0.5, 6);
  });

  it('weights β, γ, δ enter the total', async () => {
    const hs = [tf.tensor3d([[[1], [3]]])];
    const ht = [
      tf.tensor3d([
        [
          [2, 0],
          [0, 0],
        ],
      ]),
    ];
    const att = [
      tf.tensor4d([
        [
          [
            [1, 0],
            [0.5, 0.5],
          ],
        ],
      ]),
    ];
    const attT = [
      tf.tensor4d([
        [
          [
            [1, 0],
            [1, 0],
          ],
        ],
      ]),
    ];
    const x = {
      studentLogits: tf.tensor2d([
        [0, 1],
        [1, 0],
      ]),
      targets: tf.tensor1d([1, 0], 'int32'),
      hardMask: tf.tensor1d([1, 1]),
      softMask: tf.tensor1d([1, 1]),
      intermediate: {
        studentHidden: hs,
        teacherHidden: ht,
        studentAtt: att,
        teacherAtt: attT,
        projections: [tf.tensor2d([[2, -1]])],
        tokenMask: tf.tensor2d([[1, 1]]),
      },
    };
    const t = distillationLoss(x, { temperature: 1, alpha: 0, beta: 2, gamma: 3, delta: 0.5 });
    const [total, hard, feat, att2, rel] = await Promise.all(
      [t.total, t.hard, t.feature, t.attention, t.relation].map(read),
    );
    expect(feat).toBeGreaterThan(0);
    expect(att2).toBeGreaterThan(0);
    expect(total).toBeCloseTo(hard + 2 * feat + 3 * att2 + 0.5 * rel, 5);
  });
});
