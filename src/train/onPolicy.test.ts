// On-policy distillation (onPolicy.ts, distill/onPolicyLoss.ts): the reverse-KL term by hand, its
// gradient (analytic in the logits, finite differences in a weight), the λ schedule, λ = 0 equal to
// DistillStep's student step for step, a frozen teacher and no tensor leaks; on cpu and wasm, and on
// webgpu (Dawn on SwiftShader) where Node has an adapter.

import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_HYPER, type ModelSize } from '../config';
import { buildGrammarTask } from '../data/grammar';
import { buildTask } from '../data';
import { onPolicyReverseKl } from '../distill/onPolicyLoss';
import { GPT } from '../model/gpt';
import { initNodeWebGPU, releaseNodeWebGPU } from '../cli/webgpu-node';
import { useBackend, type ParityBackend } from '../../tests/parity/measure';
import { DEFAULT_ADAMW } from './adamw';
import { isOnPolicyStep, lambdaProblems, onPolicyBatch, OnPolicyStep } from './onPolicy';
import { DistillStep, modelConfigFor } from './steps';

const gpu = await initNodeWebGPU();
if (!gpu.ok) console.warn(`[onPolicy] skipping webgpu: ${gpu.reason}`);
const BACKENDS: ParityBackend[] = gpu.ok ? ['cpu', 'wasm', 'webgpu'] : ['cpu', 'wasm'];
afterAll(async () => {
  if (gpu.ok) await releaseNodeWebGPU('cpu');
  else await tf.setBackend('cpu');
});

const STUDENT: ModelSize = { nLayer: 1, nHead: 2, nEmbd: 16 };
const TEACHER: ModelSize = { nLayer: 1, nHead: 2, nEmbd: 24 };
const task = buildGrammarTask({ seed: 1, labelled: 16, transfer: 16 });
const teacherOf = () => GPT.init(modelConfigFor(TEACHER, task), 99, false);
const H = { temperature: 2, alpha: 0.7, batchSize: 4 };

async function values(model: GPT): Promise<Float32Array[]> {
  return Promise.all(model.variables().map(async (v) => Float32Array.from((await v.data()) as Float32Array)));
}

describe('onPolicyReverseKl', () => {
  it('is the masked mean of KL(q ‖ p) by hand', async () => {
    await useBackend('cpu');
    // row 0: q = (½, ½), p = (¾, ¼): KL = ½ ln(⅔) + ½ ln 2 = ½ ln(4/3); row 1: masked out
    const v = tf.tidy(() =>
      onPolicyReverseKl(
        tf.tensor2d([0, 0, 5, -5], [2, 2]),
        tf.tensor2d([Math.log(3), 0, -5, 5], [2, 2]),
        tf.tensor1d([1, 0]),
      ),
    );
    expect((await v.data())[0]).toBeCloseTo(0.5 * Math.log(4 / 3), 6);
    v.dispose();
  });

  for (const backend of BACKENDS) {
    it(`has the analytic gradient q·(log q − log p − KL) / count in the student logits (${backend})`, async () => {
      await useBackend(backend);
      const zs = [0.3, -1.2, 2.0, 0.5, 1.5, -0.4, 0.1, 0.0, -2.0];
      const zt = [1.0, 0.2, -0.5, -1.0, 0.7, 2.2, 0.3, 0.3, 0.3];
      const mask = [1, 0, 1];
      const grad = tf.tidy(() => {
        const t = tf.tensor2d(zt, [3, 3]);
        const m = tf.tensor1d(mask);
        return tf.grad((z: tf.Tensor) => onPolicyReverseKl(z as tf.Tensor2D, t, m))(tf.tensor2d(zs, [3, 3]));
      });
      const g = await grad.data();
      grad.dispose();
      const logSoftmax = (z: number[]) => {
        const mx = Math.max(...z);
        const lse = mx + Math.log(z.reduce((a, x) => a + Math.exp(x - mx), 0));
        return z.map((x) => x - lse);
      };
      for (let n = 0; n < 3; n++) {
        const lq = logSoftmax(zs.slice(3 * n, 3 * n + 3));
        const lp = logSoftmax(zt.slice(3 * n, 3 * n + 3));
        const kl = lq.reduce((a, l, v) => a + Math.exp(l) * (l - lp[v]), 0);
        for (let v = 0; v < 3; v++) {
          const expected = (mask[n] * Math.exp(lq[v]) * (lq[v] - lp[v] - kl)) / 2;
          expect(g[3 * n + v]).toBeCloseTo(expected, 5);
        }
      }
    });
  }

  it('matches central differences in a weight of a tiny student on fixed samples (cpu)', async () => {
    await useBackend('cpu');
    const student = GPT.init(modelConfigFor(STUDENT, task), 5);
    const teacher = teacherOf();
    const inputs = tf.tensor2d([1, 3, 6, 17, 2, 0, 0, 0, 0, 0, 1, 5, 7, 0, 0, 0, 0, 0, 0, 0], [2, 10], 'int32');
    const mask = tf.tensor1d([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    const V = task.vocab.length;
    const zt = tf.tidy(() => teacher.forward(inputs).logits.reshape([20, V]) as tf.Tensor2D);
    const loss = () => onPolicyReverseKl(student.forward(inputs).logits.reshape([20, V]) as tf.Tensor2D, zt, mask);
    const w = student.params.get('transformer.h.0.mlp.c_fc.weight')!;
    const { grads } = tf.variableGrads(loss, [w]);
    const g = await grads[w.name].data();
    const base = (await w.data()) as Float32Array;
    const eps = 1e-2;
    for (const i of [0, 17, 301, 777]) {
      const at = async (delta: number) => {
        const moved = Float32Array.from(base);
        moved[i] += delta;
        w.assign(tf.tensor(moved, w.shape));
        const v = tf.tidy(loss);
        const out = (await v.data())[0];
        v.dispose();
        return out;
      };
      const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
      w.assign(tf.tensor(base, w.shape));
      expect(Math.abs(g[i] - numeric)).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)) + 2e-4);
    }
    expect(Math.max(...Array.from(g).map(Math.abs))).toBeGreaterThan(1e-4); // not a vacuous zero gradient
    tf.dispose([inputs, mask, zt, ...Object.values(grads)]);
    student.dispose();
    teacher.dispose();
  });
});

describe('the λ schedule and the on-policy batch', () => {
  it('puts ⌊S·λ⌋ on-policy steps among any first S, spread evenly', () => {
    const on = (lambda: number, S: number) => Array.from({ length: S }, (_, k) => isOnPolicyStep(k, lambda));
    expect(on(0, 10).some(Boolean)).toBe(false);
    expect(on(1, 10).every(Boolean)).toBe(true);
    expect(on(0.25, 8).flatMap((x, k) => (x ? [k] : []))).toEqual([3, 7]);
    expect(on(0.5, 6).flatMap((x, k) => (x ? [k] : []))).toEqual([1, 3, 5]);
    for (const lambda of [0.1, 0.3, 1 / 3, 0.7]) {
      expect(on(lambda, 30).filter(Boolean).length).toBe(Math.floor(30 * lambda + 1e-9));
    }
  });

  it('rejects λ outside [0, 1] with a clear sentence', () => {
    expect(lambdaProblems(0.5)).toEqual([]);
    expect(lambdaProblems(1.5)[0]).toMatch(
      /λ \(the share of on-policy steps\) must be a number in \[0, 1\] \(got 1.5\)/,
    );
    expect(lambdaProblems(NaN)).toHaveLength(1);
  });

  it('scores exactly the positions whose next token the student drew', () => {
    // width 4 (block 3): a row that stopped at EOS after 2 tokens, and one cut at the block size
    const b = onPolicyBatch(
      { count: 2, width: 4, tokens: Int32Array.from([1, 5, 2, 0, 1, 6, 7, 8]), lengths: Int32Array.from([3, 4]) },
      3,
    );
    expect(Array.from(b.inputs)).toEqual([1, 5, 2, 1, 6, 7]);
    expect(Array.from(b.mask)).toEqual([1, 1, 0, 1, 1, 1]);
    expect(b.count).toBe(5);
  });
});

describe('OnPolicyStep', () => {
  for (const backend of BACKENDS) {
    it(`at λ = 0 is DistillStep's student, weight for weight, step for step (${backend})`, async () => {
      await useBackend(backend);
      const teacher = teacherOf();
      const ref = new DistillStep(teacher, task, STUDENT, 3, 16, DEFAULT_ADAMW);
      const mine = new OnPolicyStep(teacher, task, STUDENT, 3, 16, DEFAULT_ADAMW);
      const hyper = { ...DEFAULT_HYPER, ...H, beta: 0, gamma: 0, delta: 0 };
      for (let k = 0; k < 3; k++) {
        tf.dispose(ref.stepRole('student', hyper, 3e-3));
        const { loss, onPolicy } = await mine.step({ ...H, lambda: 0 }, 3e-3);
        expect(onPolicy).toBe(false);
        loss.dispose();
        const [a, b] = [await values(ref.student), await values(mine.student)];
        a.forEach((w, i) => expect(b[i]).toEqual(w));
      }
      ref.dispose();
      mine.dispose();
      teacher.dispose();
    });
  }

  for (const backend of BACKENDS) {
    it(`at λ = 1 trains on its own samples, keeps the teacher frozen and leaks nothing (${backend})`, async () => {
      await useBackend(backend);
      const teacher = teacherOf();
      const teacherBefore = await values(teacher);
      const step = new OnPolicyStep(teacher, task, STUDENT, 3, 16, DEFAULT_ADAMW);
      const studentBefore = await values(step.student);
      const first = await step.step({ ...H, lambda: 1 }, 1e-2);
      expect(first.onPolicy).toBe(true);
      const firstLoss = (await first.loss.data())[0];
      first.loss.dispose();
      expect(firstLoss).toBeGreaterThan(0);
      const tensors = tf.memory().numTensors;
      for (let k = 0; k < 3; k++) (await step.step({ ...H, lambda: 1 }, 1e-2)).loss.dispose();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(step.onPolicySteps).toBe(4);
      const teacherAfter = await values(teacher);
      teacherAfter.forEach((w, i) => expect(w).toEqual(teacherBefore[i]));
      const studentAfter = await values(step.student);
      expect(studentAfter.some((w, i) => w.some((x, j) => x !== studentBefore[i][j]))).toBe(true);
      step.dispose();
      teacher.dispose();
    });
  }

  it('refuses a classification task and a bad λ with clear messages', async () => {
    await useBackend('cpu');
    const teacher = teacherOf();
    const cls = buildTask('sentiment', { seed: 1, labelled: 4, transfer: 0 });
    const clsTeacher = GPT.init(modelConfigFor(TEACHER, cls), 1, false);
    expect(() => new OnPolicyStep(clsTeacher, cls, STUDENT, 1, 4, DEFAULT_ADAMW)).toThrow(/needs a generation task/);
    const step = new OnPolicyStep(teacher, task, STUDENT, 3, 16, DEFAULT_ADAMW);
    await expect(step.step({ ...H, lambda: 2 }, 1e-3)).rejects.toThrow(/must be a number in \[0, 1\] \(got 2\)/);
    step.dispose();
    teacher.dispose();
    clsTeacher.dispose();
  });
});
