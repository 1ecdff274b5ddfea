// The training step with each objective choice (issue 13), on the cpu and wasm backends:
//   - stepLoss reports, for every divergence and T² on/off, the soft value of divergences.ts's softTerm
//     on the same logits, the hard value of smoothedCrossEntropy, and (1 − α)·hard + α·soft as the
//     total; its gradient is autodiff's gradient of that reference (the fused forward KL / soft CE
//     path has a hand-written one);
//   - the default objective is the old step bit for bit (stepLoss without an objective);
//   - DistillStep with each divergence trains the student, never the teacher, and leaks nothing;
//   - a sparse teacher: the targets are lossMath's plain-number top-k and an inverse CDF by hand; k = V
//     is the full teacher; sampled-k draws are the seeded uniforms of the row.
// webgpu (Dawn on SwiftShader in Node, as tests/stacked.test.ts) joins when it has an adapter.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { initNodeWebGPU, releaseNodeWebGPU } from '../cli/webgpu-node';
import { softmax, topKBias } from '../lossMath';
import { DEFAULT_CONFIG, PRESETS, taskOptions, type Hyper } from '../config';
import { buildTask } from '../data';
import { smoothedCrossEntropy, softTerm, SOFT_DIVERGENCES } from '../distill/divergences';
import { sampledTargets, topKTargets } from '../distill/sparseTeacher';
import { stepLoss, teacherTargets } from '../distill/stepLoss';
import { GPT } from '../model/gpt';
import { DEFAULT_OBJECTIVE, objectiveOf, type Objective } from '../objective';
import { DEFAULT_ADAMW } from './adamw';
import { DistillStep, modelConfigFor, sparseUniforms } from './steps';

const gpu = await initNodeWebGPU();
if (!gpu.ok) console.warn(`[objective] skipping webgpu: ${gpu.reason}`);
const BACKENDS = gpu.ok ? (['cpu', 'wasm', 'webgpu'] as const) : (['cpu', 'wasm'] as const);

afterAll(async () => {
  if (gpu.ok) await releaseNodeWebGPU('cpu');
  else await tf.setBackend('cpu');
});

const N = 6;
const V = 5;
const T = 2.5;
const ALPHA = 0.6;
const W = { temperature: T, alpha: ALPHA, beta: 0, gamma: 0, delta: 0 };

function inputs() {
  return {
    studentLogits: tf.tensor2d(
      [2, 0.5, -1, 0, 1, 0, 1, 0, 3, -2, 1.5, -0.5, 0.2, 0.7, -1, 3, 3, -3, 0, 1, -1, 0, 2, 2, 0.5, 1, -2, 0, 0, 1],
      [N, V],
    ),
    teacherLogits: tf.tensor2d(
      [3, 1, -2, 0.5, 0, -1, 2, 0.5, 1, 4, 0, 0, 0, 0, 0, 5, -5, 2, 1, 0, 2, 2, -1, 0.5, 1, -3, 1, 4, 0, 2],
      [N, V],
    ),
    targets: tf.tensor1d([0, 3, 1, 4, 2, 0], 'int32'),
    hardMask: tf.tensor1d([1, 0, 1, 1, 0, 1]),
    softMask: tf.tensor1d([1, 1, 1, 0, 1, 1]),
  };
}
type Inputs = ReturnType<typeof inputs>;

/** stepLoss on the inputs with `objective` (teacher from the cached-targets form, as DistillStep feeds it). */
function stepOf(x: Inputs, z: tf.Tensor2D, objective?: Objective) {
  const cached = teacherTargets(x.teacherLogits, T);
  return stepLoss(
    {
      studentLogits: z,
      targets: x.targets,
      hardMask: x.hardMask,
      hardCount: 4,
      teacher: { probs: cached.probs, offsets: cached.offsets, logits: x.teacherLogits, softMask: x.softMask },
    },
    W,
    objective,
  );
}

/** The reference: (1 − α)·smoothedCrossEntropy + α·softTerm, plain ops of divergences.ts. */
function referenceOf(x: Inputs, z: tf.Tensor2D, o: Objective) {
  const hard = smoothedCrossEntropy(z, x.targets, x.hardMask, o.labelSmoothing);
  const soft = softTerm(z, x.teacherLogits, T, x.softMask, o);
  return { hard, soft, total: hard.mul(1 - ALPHA).add(soft.mul(ALPHA)) as tf.Scalar };
}

const read = async (t: tf.Tensor) => Array.from((await t.data()) as Float32Array);

function expectRelClose(actual: number[], expected: number[], what: string, rtol = 2e-5): void {
  const scale = Math.max(1, ...expected.map(Math.abs));
  const worst = Math.max(...actual.map((a, i) => Math.abs(a - expected[i])));
  expect(worst, `${what}: max |Δ| ${worst} at scale ${scale}`).toBeLessThanOrEqual(rtol * scale);
}

const tinyTask = () => buildTask('modadd', { ...taskOptions({ labelled: 12, transfer: 12 }) });

for (const backend of BACKENDS) {
  describe(`the step's objective on ${backend}`, () => {
    it('uses the backend it names', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      await tf.ready();
      expect(tf.getBackend()).toBe(backend);
    });

    it('sparse targets: top-k is lossMath’s plain-number top-k, sampled-k an inverse CDF by hand', async () => {
      const z = Array.from({ length: 4 * 9 }, (_, i) => Math.sin(i * 1.7) * 3); // no ties
      const u = [0.05, 0.5, 0.93, 0.999, 0.2, 0.21, 0.7, 0.0];
      const rows = [0, 1, 2, 3].map((r) => z.slice(r * 9, r * 9 + 9));
      const top = tf.tidy(() => topKTargets(tf.tensor2d(z, [4, 9]), 1.5, 3));
      const got = await read(top);
      rows.forEach((row, r) =>
        expectRelClose(got.slice(r * 9, r * 9 + 9), topKBias(softmax(row, 1.5), 3).target, `top-3 row ${r}`, 1e-6),
      );
      const sampled = tf.tidy(() => sampledTargets(tf.tensor2d(z, [4, 9]), 1.5, tf.tensor2d(u, [4, 2])));
      const want = rows.flatMap((row, r) => {
        const p = softmax(row, 1.5);
        const counts = new Array(9).fill(0);
        for (const x of u.slice(r * 2, r * 2 + 2)) {
          let acc = 0;
          let token = 8;
          for (let v = 0; v < 9; v++) {
            acc += p[v];
            if (x < acc) {
              token = v;
              break;
            }
          }
          counts[token] += 0.5;
        }
        return counts;
      });
      expect(await read(sampled)).toEqual(want);
      tf.dispose([top, sampled]);
    });

    const objectives: Objective[] = [
      ...SOFT_DIVERGENCES.map((divergence) => ({ ...DEFAULT_OBJECTIVE, divergence, jsdBeta: 0.3 })),
      { ...DEFAULT_OBJECTIVE, scaleByTSquared: false },
      { ...DEFAULT_OBJECTIVE, divergence: 'reverse-kl', scaleByTSquared: false, labelSmoothing: 0.1 },
      { ...DEFAULT_OBJECTIVE, divergence: 'soft-ce', labelSmoothing: 0.2 },
      { ...DEFAULT_OBJECTIVE, divergence: 'jsd', jsdBeta: 0 },
      { ...DEFAULT_OBJECTIVE, divergence: 'jsd', jsdBeta: 1 },
    ];
    for (const o of objectives) {
      const name = `${o.divergence}${o.divergence === 'jsd' ? `(β=${o.jsdBeta})` : ''}, T² ${o.scaleByTSquared ? 'on' : 'off'}, ε ${o.labelSmoothing}`;
      it(`${name}: reports divergences.ts's values, and its gradient is the reference's`, async () => {
        const x = inputs();
        const before = tf.memory().numTensors;
        const values = tf.tidy(() => stepOf(x, x.studentLogits, o).values);
        const ref = tf.tidy(() => referenceOf(x, x.studentLogits, o));
        const [total, hard, soft] = await read(values);
        expectRelClose(
          [total, hard, soft],
          [await ref.total.data(), await ref.hard.data(), await ref.soft.data()].map((a) => a[0]),
          name,
        );
        const g = tf.grad((z: tf.Tensor) => stepOf(x, z as tf.Tensor2D, o).total)(x.studentLogits);
        const gRef = tf.grad((z: tf.Tensor) => referenceOf(x, z as tf.Tensor2D, o).total)(x.studentLogits);
        expectRelClose(await read(g), await read(gRef), `${name} gradient`, 1e-4);
        tf.dispose([values, ref.hard, ref.soft, ref.total, g, gRef]);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose(Object.values(x));
      });
    }

    it('the default objective is the old step bit for bit (values and gradient)', async () => {
      const x = inputs();
      const old = tf.tidy(() => stepOf(x, x.studentLogits).values);
      const now = tf.tidy(() => stepOf(x, x.studentLogits, objectiveOf(DEFAULT_CONFIG.hyper)).values);
      expect(await read(now)).toEqual(await read(old));
      const gOld = tf.grad((z: tf.Tensor) => stepOf(x, z as tf.Tensor2D).total)(x.studentLogits);
      const gNow = tf.grad((z: tf.Tensor) => stepOf(x, z as tf.Tensor2D, objectiveOf(DEFAULT_CONFIG.hyper)).total)(
        x.studentLogits,
      );
      expect(await read(gNow)).toEqual(await read(gOld));
      tf.dispose([old, now, gOld, gNow, ...Object.values(x)]);
    });

    it('DistillStep trains the student with each divergence, never the teacher, and leaks nothing', async () => {
      const task = tinyTask();
      const teacher = GPT.init(modelConfigFor(PRESETS.tiny, task), 7);
      const teacherBefore = await Promise.all(teacher.variables().map(read));
      for (const divergence of SOFT_DIVERGENCES.map((_, i) => i)) {
        const h: Hyper = { ...DEFAULT_CONFIG.hyper, batchSize: 4, lr: 1e-2, divergence, labelSmoothing: 0.1 };
        const step = new DistillStep(teacher, task, PRESETS.tiny, 3, 12, DEFAULT_ADAMW);
        const studentBefore = await read(step.student.variables()[0]);
        step.step(h, h.lr).dispose(); // the first step caches the batch's teacher rows
        const start = tf.memory().numTensors;
        const values = step.step(h, h.lr);
        const [total, hard, soft] = await read(values);
        values.dispose();
        expect(tf.memory().numTensors, SOFT_DIVERGENCES[divergence]).toBe(start);
        expect([total, hard, soft].every(Number.isFinite), SOFT_DIVERGENCES[divergence]).toBe(true);
        expect(total).toBeCloseTo((1 - h.alpha) * hard + h.alpha * soft, 4);
        expect(await read(step.student.variables()[0])).not.toEqual(studentBefore);
        step.dispose();
      }
      const teacherAfter = await Promise.all(teacher.variables().map(read));
      expect(teacherAfter).toEqual(teacherBefore);
      teacher.dispose();
    });

    it('a sparse teacher: top-k with k = V is the full teacher; sampled-k uses the row’s seeded draws', async () => {
      const task = tinyTask();
      const teacher = GPT.init(modelConfigFor(PRESETS.tiny, task), 7);
      const V = task.vocab.length;
      const run = async (extra: Partial<Hyper>) => {
        const h: Hyper = { ...DEFAULT_CONFIG.hyper, batchSize: 4, ...extra };
        const step = new DistillStep(teacher, task, PRESETS.tiny, 3, 12, DEFAULT_ADAMW);
        const out = [await read(step.step(h, 1e-3)), await read(step.step(h, 1e-3))];
        const rows = step.lastRows;
        const logits = tf.tidy(() => tf.gather(step.teacherLogits, tf.tensor1d(rows, 'int32')));
        step.dispose();
        return { out, rows, logits };
      };
      const full = await run({});
      const topV = await run({ sparseTeacher: 1, teacherK: V });
      const topHuge = await run({ sparseTeacher: 1, teacherK: 1024 }); // k above V keeps every token
      full.out.forEach((v, i) => expectRelClose(topV.out[i], v, `top-${V} step ${i + 1}`, 1e-5));
      full.out.forEach((v, i) => expectRelClose(topHuge.out[i], v, `top-1024 step ${i + 1}`, 1e-5));
      const top2 = await run({ sparseTeacher: 1, teacherK: 2 });
      expect(top2.out[0][2]).not.toBeCloseTo(full.out[0][2], 3); // a cut teacher is another target
      // sampled-k: the same row always gets the same draws, from its own seeded stream
      const a = sparseUniforms(3, Int32Array.from([5, 2]), 2, 4);
      const b = sparseUniforms(3, Int32Array.from([2, 5]), 2, 4);
      const [ra, rb] = [await read(a), await read(b)];
      expect(ra.slice(0, 4)).toEqual(rb.slice(4, 8));
      expect(ra.slice(4, 8)).toEqual(rb.slice(0, 4));
      const sampled = await run({ sparseTeacher: 2, teacherK: 3 });
      const again = await run({ sparseTeacher: 2, teacherK: 3 });
      expect(sampled.out).toEqual(again.out);
      expect(sampled.out[0][2]).not.toBeCloseTo(full.out[0][2], 3);
      tf.dispose([a, b, full.logits, topV.logits, topHuge.logits, top2.logits, sampled.logits, again.logits]);
      teacher.dispose();
    });
  });
}
