// stepLoss (the fused objective the training step uses) against distillationLoss (the reference, one
// plain op per formula term): the same values and the same gradients, with and without a teacher,
// with host-side or device-side mask counts, and with the intermediate terms on.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOSS_TERMS } from '../report';
import { distillationLoss, type LossWeights } from './losses';
import { stepLoss, teacherTargets } from './stepLoss';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 6;
const V = 5;
const seeded = (shape: number[], seed: number, scale = 1.5) => tf.randomNormal(shape, 0, scale, 'float32', seed);

function inputs() {
  return {
    studentLogits: seeded([N, V], 1) as tf.Tensor2D,
    teacherLogits: seeded([N, V], 2, 3) as tf.Tensor2D,
    targets: tf.tensor1d([0, 3, 1, 4, 2, 0], 'int32'),
    hardMask: tf.tensor1d([1, 0, 1, 1, 0, 0]),
    softMask: tf.tensor1d([1, 1, 1, 1, 1, 0]),
  };
}

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('stepLoss', () => {
  const cases: [string, LossWeights, boolean][] = [
    ['logit KD, α = 0.7, T = 4', { temperature: 4, alpha: 0.7, beta: 0, gamma: 0, delta: 0 }, true],
    ['α = 0 with a teacher (soft still reported)', { temperature: 2, alpha: 0, beta: 0, gamma: 0, delta: 0 }, true],
    ['α = 1, T = 0.5', { temperature: 0.5, alpha: 1, beta: 0, gamma: 0, delta: 0 }, true],
    ['no teacher (the baseline)', { temperature: 1, alpha: 0, beta: 0, gamma: 0, delta: 0 }, false],
  ];
  for (const [name, w, withTeacher] of cases) {
    for (const hostCounts of [true, false]) {
      it(`${name}, ${hostCounts ? 'host' : 'device'} counts: same values and gradient as distillationLoss`, async () => {
        const x = inputs();
        const ref = (z: tf.Tensor2D) =>
          distillationLoss({ ...x, studentLogits: z, teacherLogits: withTeacher ? x.teacherLogits : undefined }, w);
        const targets = teacherTargets(x.teacherLogits, w.temperature);
        const fused = (z: tf.Tensor2D) =>
          stepLoss(
            {
              studentLogits: z,
              targets: x.targets,
              hardMask: x.hardMask,
              hardCount: hostCounts ? 3 : undefined,
              teacher: withTeacher
                ? {
                    probs: targets.probs,
                    offsets: targets.offsets,
                    softMask: x.softMask,
                    softCount: hostCounts ? 5 : undefined,
                  }
                : undefined,
            },
            w,
          );
        const r = ref(x.studentLogits);
        const expected = await Promise.all(LOSS_TERMS.map(async (t) => (await r[t].data())[0]));
        const got = await values(fused(x.studentLogits).values);
        got.forEach((v, i) => expect(v, LOSS_TERMS[i]).toBeCloseTo(expected[i], 5));
        const gRef = tf.grad((z: tf.Tensor) => ref(z as tf.Tensor2D).total)(x.studentLogits);
        const gFused = tf.grad((z: tf.Tensor) => fused(z as tf.Tensor2D).total)(x.studentLogits);
        const diff = await values(tf.sub(gRef, gFused).abs().max());
        expect(diff[0]).toBeLessThan(1e-6);
      });
    }
  }

  it('adds the intermediate terms with their weights, as distillationLoss does', async () => {
    const x = inputs();
    const B = 2;
    const T = 3; // N = B·T positions
    const intermediate = {
      studentHidden: [seeded([B, T, 4], 3) as tf.Tensor3D],
      teacherHidden: [seeded([B, T, 6], 4) as tf.Tensor3D, seeded([B, T, 6], 5) as tf.Tensor3D],
      studentAtt: [tf.softmax(seeded([B, 2, T, T], 6)) as tf.Tensor4D],
      teacherAtt: [
        tf.softmax(seeded([B, 3, T, T], 7)) as tf.Tensor4D,
        tf.softmax(seeded([B, 3, T, T], 8)) as tf.Tensor4D,
      ],
      projections: [seeded([4, 6], 9, 0.5) as tf.Tensor2D],
      tokenMask: tf.tensor2d([
        [1, 1, 0],
        [1, 1, 1],
      ]),
    };
    const w = { temperature: 3, alpha: 0.5, beta: 2, gamma: 3, delta: 0.5 };
    const r = distillationLoss({ ...x, intermediate }, w);
    const t = teacherTargets(x.teacherLogits, w.temperature);
    const got = await values(
      stepLoss({ ...x, teacher: { probs: t.probs, offsets: t.offsets, softMask: x.softMask }, intermediate }, w).values,
    );
    for (const [i, term] of LOSS_TERMS.entries()) expect(got[i], term).toBeCloseTo((await r[term].data())[0], 5);
  });
});
