// The benchmark's straightforward path computes the same function as the product (so its speed-ups
// are fair), and the product step issues fewer kernels and leaks nothing. Counts, never times.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PRESETS, taskOptions, type Hyper, type ModelConfig } from '../config';
import { buildTask } from '../data';
import { hardCrossEntropy } from '../distill/losses';
import { GPT, parameterNames, parameterShape } from '../model/gpt';
import { DEFAULT_ADAMW } from '../train/adamw';
import { DistillStep, modelConfigFor } from '../train/steps';
import { profileKernels } from './measure';
import { buildSubjects, Fixture, OBJECTIVE_KINDS } from './subjects';
import { NaiveGPT } from './naiveGpt';
import { NaiveDistillStep, NaiveHardStep } from './naiveStep';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = (bias: boolean): ModelConfig => ({
  nLayer: 2,
  nHead: 2,
  nEmbd: 16,
  vocabSize: 13,
  blockSize: 7,
  bias,
  dropout: 0,
});

/** Every parameter random (LayerNorm gains and biases too), so every path matters. */
function randomGPT(c: ModelConfig, seed: number): GPT {
  const weights = new Map<string, tf.Tensor>();
  parameterNames(c).forEach((name, i) => {
    const w = tf.randomNormal(parameterShape(c, name), 0, 0.3, 'float32', seed * 100 + i);
    weights.set(name, /ln_(1|2|f)\.weight$/.test(name) ? w.add(1) : w);
  });
  const model = new GPT(c, weights);
  weights.forEach((w) => w.dispose());
  return model;
}

const ids = (B: number, T: number, V: number) =>
  tf.tensor2d(
    Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % V),
    [B, T],
    'int32',
  );

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => a.sub(b).abs().max());
  const v = (await d.data())[0];
  d.dispose();
  return v;
}

describe('the straightforward model (naiveGpt.ts)', () => {
  for (const bias of [false, true]) {
    it(`computes the same logits, hidden states, attention maps and gradients as the product GPT (bias=${bias})`, async () => {
      const c = config(bias);
      const gpt = randomGPT(c, bias ? 2 : 1);
      const naive = NaiveGPT.fromGPT(gpt);
      const x = ids(3, c.blockSize, c.vocabSize);
      const B = 3;
      const T = c.blockSize;
      const targets = tf.tensor1d(
        Array.from({ length: B * T }, (_, i) => (i * 5) % c.vocabSize),
        'int32',
      );
      const mask = tf.ones([B * T]) as tf.Tensor1D;
      const a = gpt.forward(x, { collect: true });
      const b = naive.forward(x, { collect: true });
      expect(await maxAbsDiff(a.logits, b.logits)).toBeLessThan(1e-4);
      for (let l = 0; l < c.nLayer; l++) {
        expect(await maxAbsDiff(a.hidden![l], b.hidden![l])).toBeLessThan(1e-4);
        expect(await maxAbsDiff(a.attention![l], b.attention![l])).toBeLessThan(1e-5);
      }
      const loss = (m: GPT | NaiveGPT) => () =>
        hardCrossEntropy(m.forward(x).logits.reshape([B * T, c.vocabSize]) as tf.Tensor2D, targets, mask);
      const ga = tf.variableGrads(loss(gpt), gpt.variables());
      const gb = tf.variableGrads(loss(naive), naive.variables());
      expect(await maxAbsDiff(ga.value, gb.value)).toBeLessThan(1e-5);
      const names = parameterNames(c);
      for (const name of names) {
        const da = ga.grads[gpt.params.get(name)!.name];
        const db = gb.grads[naive.params.get(name)!.name];
        expect(await maxAbsDiff(da, db), name).toBeLessThan(1e-4);
      }
      tf.dispose([a.logits, ...a.hidden!, ...a.attention!, b.logits, ...b.hidden!, ...b.attention!, x, targets, mask]);
      tf.dispose([ga.value, gb.value, ...Object.values(ga.grads), ...Object.values(gb.grads)]);
      gpt.dispose();
      naive.dispose();
    });
  }
});

describe('the product step against the straightforward step (cpu, tiny models)', () => {
  // modadd: every row scores one position, as the classification tasks; tiny teacher and student.
  const task = buildTask('modadd', taskOptions({ labelled: 16, transfer: 48 }));
  const hyper: Hyper = { ...DEFAULT_CONFIG.hyper, batchSize: 8 };
  const teacherConfig = modelConfigFor(PRESETS.tiny, task);

  it('issues fewer kernels per step, for the student-only, KD and lockstep steps', async () => {
    const teacher = GPT.init(teacherConfig, 1, false);
    const d = new DistillStep(teacher, task, PRESETS.tiny, 1, 16, DEFAULT_ADAMW);
    await d.cacheTeacher();
    const naiveTeacher = NaiveGPT.fromGPT(teacher, false);
    const naiveStudent = NaiveGPT.fromGPT(d.student);
    const naiveBaseline = NaiveGPT.fromGPT(d.baseline);
    const naiveOnlyModel = NaiveGPT.fromGPT(d.baseline);
    const naiveLockStudent = NaiveGPT.fromGPT(d.student);
    const naiveOnly = new NaiveHardStep(naiveOnlyModel, task.train, 1, DEFAULT_ADAMW);
    const naiveKd = new NaiveDistillStep(naiveTeacher, naiveStudent, null, [], task.train, 1, 16, DEFAULT_ADAMW);
    const naiveLock = new NaiveDistillStep(
      naiveTeacher,
      naiveLockStudent,
      naiveBaseline,
      [],
      task.train,
      1,
      16,
      DEFAULT_ADAMW,
    );

    // One step of each first: optimiser state and the teacher's softmax at T are built once.
    d.stepRole('baseline', hyper, 1e-3).dispose();
    d.step(hyper, 1e-3).dispose();
    const pairs = [
      [
        'student-only',
        await profileKernels(() => d.stepRole('baseline', hyper, 1e-3)),
        await profileKernels(() => naiveOnly.step(8, 1e-3)),
      ],
      [
        'kd',
        await profileKernels(() => d.stepRole('student', hyper, 1e-3)),
        await profileKernels(() => naiveKd.step(hyper, 1e-3)),
      ],
      [
        'lockstep',
        await profileKernels(() => d.step(hyper, 1e-3)),
        await profileKernels(() => naiveLock.step(hyper, 1e-3)),
      ],
    ] as const;
    for (const [name, optimised, naive] of pairs) {
      expect(optimised.all, name).toBeLessThan(naive.all);
      expect(optimised.compute, name).toBeLessThan(naive.compute);
    }
    // Logit KD costs the student-only step a handful of kernels, not a teacher forward.
    const [, studentOnly] = pairs[0];
    const [, kd] = pairs[1];
    expect(kd.compute - studentOnly.compute).toBeLessThan(0.1 * studentOnly.compute);
    [
      naiveOnly,
      naiveKd,
      naiveLock,
      naiveTeacher,
      naiveStudent,
      naiveBaseline,
      naiveOnlyModel,
      naiveLockStudent,
    ].forEach((x) => x.dispose());
    d.dispose();
    teacher.dispose();
  });

  it('leaks no tensors over 50 steps of each kind, and dispose returns to the start', async () => {
    const start = tf.memory().numTensors;
    const teacher = GPT.init(teacherConfig, 2, false);
    const d = new DistillStep(teacher, task, PRESETS.tiny, 2, 16, DEFAULT_ADAMW);
    await d.cacheTeacher();
    const inter = { ...hyper, beta: 1, gamma: 1, delta: 1 };
    const kinds: [string, () => tf.Tensor][] = [
      ['student-only', () => d.stepRole('baseline', hyper, 1e-3)],
      ['kd', () => d.stepRole('student', hyper, 1e-3)],
      ['lockstep', () => d.step(hyper, 1e-3)],
      ['intermediate', () => d.step(inter, 1e-3)],
      ['temperature changing every step', () => d.step({ ...hyper, temperature: 1 + (d.lastRows[0] % 5) }, 1e-3)],
    ];
    for (const [name, step] of kinds) {
      step().dispose(); // first step: optimiser state and per-temperature caches exist from here on
      const before = tf.memory().numTensors;
      for (let i = 0; i < 50; i++) step().dispose();
      expect(tf.memory().numTensors, name).toBe(before);
    }
    d.dispose();
    teacher.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('the objective subjects (issue 13)', () => {
  it('soft CE and label smoothing stay on the fused path (kernels of logit KD, + the smoothing ops); reverse KL and JSD cost more; nothing leaks', async () => {
    const kd: Hyper = { ...DEFAULT_CONFIG.hyper, batchSize: 4 };
    const fixture = new Fixture({
      task: 'modadd',
      teacher: 'tiny',
      student: 'tiny',
      batchSize: 4,
      seed: 1,
      kd,
      intermediate: { ...kd, beta: 1 },
    });
    try {
      const subjects = await buildSubjects(fixture, new Set(['kd', ...OBJECTIVE_KINDS]), false);
      expect(subjects.map((s) => s.kind)).toEqual(['kd', ...OBJECTIVE_KINDS]);
      const kernels = new Map<string, number>();
      for (const s of subjects) {
        await s.run(1);
        kernels.set(s.kind, (await s.kernels()).all);
        const before = tf.memory().numTensors;
        await s.run(3);
        expect(tf.memory().numTensors, s.kind).toBe(before);
      }
      const k = (kind: string) => kernels.get(kind)!;
      expect(k('kd-soft-ce')).toBe(k('kd'));
      expect(k('kd-label-smoothing') - k('kd')).toBeGreaterThan(0);
      expect(k('kd-label-smoothing') - k('kd')).toBeLessThanOrEqual(6); // ×(1 − ε) + ε/V, and their gradient's
      expect(k('kd-reverse-kl')).toBeGreaterThan(k('kd'));
      expect(k('kd-jsd')).toBeGreaterThan(k('kd-reverse-kl'));
    } finally {
      fixture.dispose();
    }
  }, 120_000);
});
