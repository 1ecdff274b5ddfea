import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw';
import { learningRate } from './schedule';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('AdamW', () => {
  it('first step moves each weight by lr·sign(g) plus decoupled decay on matrices only', async () => {
    const w = tf.variable(tf.tensor2d([[1, -2]]));
    const b = tf.variable(tf.tensor1d([3]));
    const opt = new AdamW([w, b], { beta1: 0.9, beta2: 0.95, epsilon: 0, weightDecay: 0.1, clipNorm: 0 });
    // loss = 2·w00 − 3·w01 + 4·b → gradients (2, −3) and 4
    opt
      .minimize(
        () =>
          w
            .mul(tf.tensor2d([[2, -3]]))
            .sum()
            .add(b.mul(4).sum()) as tf.Scalar,
        0.01,
      )
      .dispose();
    const lr = 0.01;
    // Adam's first step is lr·g/|g| = lr·sign(g); decay adds lr·wd·w on the matrix, not on the bias
    const [w0, w1] = await w.data();
    expect(w0).toBeCloseTo(1 - lr - lr * 0.1 * 1, 6);
    expect(w1).toBeCloseTo(-2 + lr - lr * 0.1 * -2, 6);
    expect((await b.data())[0]).toBeCloseTo(3 - lr, 6);
    opt.dispose();
    w.dispose();
    b.dispose();
  });

  it('clips the global gradient norm without reading it back', async () => {
    const g = [tf.tensor1d([3, 4]), tf.tensor1d([0])];
    expect((await AdamW.globalNorm(g).data())[0]).toBeCloseTo(5, 6);
    const w = tf.variable(tf.tensor1d([0, 0]));
    // with clipping to 1, Adam's first step is still ±lr: direction preserved
    const opt = new AdamW([w], { beta1: 0.9, beta2: 0.95, epsilon: 0, weightDecay: 0, clipNorm: 1 });
    opt.minimize(() => w.mul(tf.tensor1d([30, -40])).sum() as tf.Scalar, 0.1).dispose();
    const v = await w.data();
    expect(v[0]).toBeCloseTo(-0.1, 6);
    expect(v[1]).toBeCloseTo(0.1, 6);
    opt.dispose();
    w.dispose();
  });

  it('leaves variables without a gradient untouched', async () => {
    const used = tf.variable(tf.tensor1d([1]));
    const unused = tf.variable(tf.tensor1d([5]));
    const opt = new AdamW([used, unused]);
    opt.minimize(() => used.square().sum() as tf.Scalar, 0.1).dispose();
    expect((await unused.data())[0]).toBe(5);
    opt.dispose();
  });
});

describe('learning-rate schedule', () => {
  it('warms up linearly, peaks, then decays by cosine to a tenth of the peak', () => {
    expect(learningRate(0, 1, 10, 100)).toBeCloseTo(0.1);
    expect(learningRate(9, 1, 10, 100)).toBeCloseTo(1);
    expect(learningRate(10, 1, 10, 100)).toBeCloseTo(1);
    expect(learningRate(55, 1, 10, 100)).toBeCloseTo(0.55);
    expect(learningRate(100, 1, 10, 100)).toBeCloseTo(0.1);
  });
});
