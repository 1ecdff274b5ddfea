// The model-batched trainer (src/train/stackedStep.ts) against separate single-student runs, on
// cpu, wasm and webgpu (Dawn on SwiftShader in Node, as tests/parity.test.ts): K members of
// different (T, α, seed, learning rate, soft target) trained in one stack for N steps end with the
// weights, and report the losses at every step, of DistillStep runs with the same configuration,
// seed and batches. The reference for a member is DistillStep(seed) with
//   - its batch sampler replaced by the stack's (DistillStep draws batches from its own seed; the
//     stack's members share one batch order), and
//   - for the controls, its cached teacher logits replaced by the stack's cache for that target
//     (the random teacher's logits, the permuted teacher's, the uniform distribution's zeros),
// so the reference is the unchanged single-student code path fed the same inputs. A member with
// α = 0 is compared with the reference's baseline (hard labels only).
//
// Tolerance: max |Δ| ≤ RTOL · max |reference| per parameter tensor and per reported loss (float32
// sums in another order, compounded over the steps by Adam's normalised updates).

import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DATASET_SEED, DEFAULT_HYPER, PRESETS, type Hyper } from '../src/config';
import { buildTask } from '../src/data';
import { GPT, parameterNames } from '../src/model/gpt';
import { setStackedMatMulMode } from '../src/model/stackedOps';
import { deriveSeed } from '../src/rng';
import { DEFAULT_ADAMW, type AdamWOptions } from '../src/train/adamw';
import { BatchSampler } from '../src/train/dataset';
import { StackedDistillStep, type MemberHyper, type MemberSpec } from '../src/train/stackedStep';
import { STEP_VALUES } from '../src/report';
import { DistillStep } from '../src/train/steps';
import { loadModelDir } from '../src/cli/modelDir';
import { shippedTeacherDir } from '../src/cli/teachers';
import { initNodeWebGPU, releaseNodeWebGPU } from '../src/cli/webgpu-node';
import { compare, useBackend, type ParityBackend } from './parity/measure';

const gpu = await initNodeWebGPU();
if (!gpu.ok && process.env.CI) throw new Error(`[stacked] CI must run the webgpu checks, but: ${gpu.reason}`);
if (!gpu.ok) console.warn(`[stacked] skipping webgpu: ${gpu.reason}`);
const BACKENDS: ParityBackend[] = gpu.ok ? ['cpu', 'wasm', 'webgpu'] : ['cpu', 'wasm'];

afterAll(async () => {
  setStackedMatMulMode(null);
  if (gpu.ok) await releaseNodeWebGPU('cpu');
  else await tf.setBackend('cpu');
});

const STACK_SEED = 1;
const LABELLED = 12;
const TRANSFER = 12;
const BATCH = 8;
/** Clipping at 0.5 binds for some members and steps and not others: each must use its own norm. */
const ADAM: AdamWOptions = { ...DEFAULT_ADAMW, weightDecay: 0.05, clipNorm: 0.5 };
const RTOL = { loss: 1e-4, weight: 2e-4 };

interface Member {
  spec: MemberSpec;
  hyper: MemberHyper;
  /** Learning-rate multiplier of this member (each member may have its own rate). */
  lrScale: number;
}

const w = (temperature: number, alpha: number, beta = 0, gamma = 0, delta = 0): MemberHyper => ({
  temperature,
  alpha,
  beta,
  gamma,
  delta,
});

/** Logit KD: three (T, α, seed) students, the baseline, and the three controls as members. */
const LOGIT_MEMBERS: Member[] = [
  { spec: { name: 'T=2 α=0.5', seed: 1 }, hyper: w(2, 0.5), lrScale: 1 },
  { spec: { name: 'T=4 α=0.9', seed: 2 }, hyper: w(4, 0.9), lrScale: 0.5 },
  { spec: { name: 'baseline', seed: 3 }, hyper: w(4, 0), lrScale: 1 },
  { spec: { name: 'random teacher', seed: 4, target: 'random-teacher' }, hyper: w(2, 0.5), lrScale: 1 },
  { spec: { name: 'permuted teacher', seed: 5, target: 'permuted' }, hyper: w(4, 0.7), lrScale: 1 },
  { spec: { name: 'label smoothing ε=0.1', seed: 6, target: 'uniform' }, hyper: w(1, 0.1), lrScale: 1 },
];

/** Every intermediate term on for one member, one term for another, none for the baseline. */
const INTER_MEMBERS: Member[] = [
  { spec: { name: 'all terms', seed: 7 }, hyper: w(3, 0.6, 0.5, 0.5, 0.5), lrScale: 1 },
  { spec: { name: 'feature only', seed: 8 }, hyper: w(2, 0.3, 1), lrScale: 0.7 },
  { spec: { name: 'baseline', seed: 9 }, hyper: w(2, 0), lrScale: 1 },
];

const lrAt = (step: number) => (4e-3 * (step + 1)) / 3; // warm-up-like: a different rate every step

interface Outcome {
  worstLoss: number;
  worstWeight: number;
}

async function stackedAgainstSingles(
  backend: ParityBackend,
  taskId: 'modadd' | 'grammar',
  members: Member[],
  steps: number,
): Promise<Outcome> {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const task = buildTask(taskId, { seed: DATASET_SEED, labelled: LABELLED, transfer: TRANSFER });
  const { model: teacher } = await loadModelDir(shippedTeacherDir(taskId), false);
  const size = PRESETS['student-s'];
  const stack = new StackedDistillStep(
    teacher,
    task,
    size,
    members.map((m) => m.spec),
    { seed: STACK_SEED, labelled: LABELLED, adam: ADAM },
  );
  expect(await stack.cacheTeacher()).toBe(true);
  const nLabelled = Math.min(LABELLED, task.train.count);
  const refs: DistillStep[] = [];
  for (const m of members) {
    const d = new DistillStep(teacher, task, size, m.spec.seed, LABELLED, ADAM);
    // The stack's batch order (see the header).
    (d as unknown as { sampler: BatchSampler }).sampler = new BatchSampler(
      deriveSeed(STACK_SEED, 'batches:student'),
      nLabelled,
      task.train.count - nLabelled,
    );
    await d.cacheTeacher();
    const target = m.spec.target ?? 'teacher';
    if (target !== 'teacher') {
      // The control's targets in place of the teacher's, inside the (full) lazy cache; the softmax
      // at T is rebuilt from them at the first step.
      const internals = d.cache as unknown as {
        logits: tf.Tensor2D;
        targets: { probs: tf.Tensor; offsets: tf.Tensor } | null;
      };
      internals.logits.dispose();
      internals.logits = stack.cachedLogits(target)!.clone();
      if (internals.targets) tf.dispose([internals.targets.probs, internals.targets.offsets]);
      internals.targets = null;
    }
    refs.push(d);
  }
  const out: Outcome = { worstLoss: 0, worstWeight: 0 };
  const check = (name: string, ref: Float32Array, got: Float32Array, rtol: number, key: keyof Outcome) => {
    const { diff, scale } = compare(name, ref, got);
    out[key] = Math.max(out[key], diff / Math.max(scale, 1e-30));
    expect(diff, `${backend} ${taskId} ${name}: max |Δ| ${diff} against scale ${scale}`).toBeLessThanOrEqual(
      rtol * scale + 1e-7,
    );
  };
  for (let s = 0; s < steps; s++) {
    const lrs = members.map((m) => lrAt(s) * m.lrScale);
    const values = stack.step(
      members.map((m) => m.hyper),
      BATCH,
      lrs,
    );
    const got = (await values.data()) as Float32Array;
    values.dispose();
    const V = 6;
    for (const [k, m] of members.entries()) {
      const h: Hyper = { ...DEFAULT_HYPER, ...m.hyper, lr: lrs[k], batchSize: BATCH };
      const r = refs[k].step(h, lrs[k]);
      const ref = (await r.data()) as Float32Array;
      r.dispose();
      expect(Array.from(refs[k].lastRows)).toEqual(Array.from(stack.lastRows));
      const row = got.slice(k * V, (k + 1) * V);
      if (m.hyper.alpha === 0) {
        // the baseline's total is its hard CE
        const base = ref[STEP_VALUES.indexOf('baseline')];
        check(`step ${s + 1} ${m.spec.name} total`, Float32Array.of(base), row.slice(0, 1), RTOL.loss, 'worstLoss');
        check(`step ${s + 1} ${m.spec.name} hard`, Float32Array.of(base), row.slice(1, 2), RTOL.loss, 'worstLoss');
      } else {
        for (let j = 0; j < V; j++)
          check(
            `step ${s + 1} ${m.spec.name} ${STEP_VALUES[j]}`,
            ref.slice(j, j + 1),
            row.slice(j, j + 1),
            RTOL.loss,
            'worstLoss',
          );
      }
    }
  }
  const names = parameterNames(stack.students.config);
  for (const [k, m] of members.entries()) {
    const weights = stack.students.memberWeights(k);
    const model: GPT = m.hyper.alpha === 0 ? refs[k].baseline : refs[k].student;
    for (const name of names) {
      check(
        `${m.spec.name} ${name}`,
        (await model.params.get(name)!.data()) as Float32Array,
        (await weights.get(name)!.data()) as Float32Array,
        RTOL.weight,
        'worstWeight',
      );
    }
    weights.forEach((t) => t.dispose());
    if (m.hyper.beta > 0) {
      for (const [i, p] of stack.projections.entries()) {
        const mine = tf.tidy(() => p.slice(k, 1).reshape(p.shape.slice(1)));
        check(
          `${m.spec.name} projection ${i}`,
          (await refs[k].projections[i].data()) as Float32Array,
          (await mine.data()) as Float32Array,
          RTOL.weight,
          'worstWeight',
        );
        mine.dispose();
      }
    }
  }
  // A member that never used its projections left them as they were initialised, as DistillStep does.
  for (const [k, m] of members.entries()) {
    if (m.hyper.beta > 0) continue;
    for (const [i, p] of stack.projections.entries()) {
      const mine = tf.tidy(() => p.slice(k, 1).reshape(p.shape.slice(1)));
      expect(Array.from((await mine.data()) as Float32Array)).toEqual(
        Array.from((await refs[k].projections[i].data()) as Float32Array),
      );
      mine.dispose();
    }
  }
  stack.dispose();
  refs.forEach((d) => d.dispose());
  teacher.dispose();
  expect(tf.memory().numTensors, 'tensors left behind').toBe(before);
  return out;
}

describe('stacked trainer = separate single-student runs (weights and losses after N steps)', () => {
  for (const backend of BACKENDS) {
    const steps = backend === 'webgpu' ? 3 : 5;
    const tasks = backend === 'webgpu' ? (['modadd'] as const) : (['modadd', 'grammar'] as const);
    for (const taskId of tasks) {
      it(`${backend}, ${taskId}: logit KD with ${LOGIT_MEMBERS.length} members (3 (T, α, seed) students, baseline, random / permuted / uniform targets), ${steps} steps`, async () => {
        const o = await stackedAgainstSingles(backend, taskId, LOGIT_MEMBERS, steps);
        console.log(
          `[stacked] ${backend} ${taskId} logit KD: worst relative Δ losses ${o.worstLoss.toExponential(1)}, weights ${o.worstWeight.toExponential(1)}`,
        );
      });
    }
    it(`${backend}, modadd: intermediate terms (β, γ, δ) per member, ${steps} steps`, async () => {
      const o = await stackedAgainstSingles(backend, 'modadd', INTER_MEMBERS, steps);
      console.log(
        `[stacked] ${backend} modadd intermediate: worst relative Δ losses ${o.worstLoss.toExponential(1)}, weights ${o.worstWeight.toExponential(1)}`,
      );
    });
  }

  for (const [mode, unstackUpTo, label] of [
    ['batched', undefined, 'batched matmuls (not the default split)'],
    ['split', 0, 'split matmuls with every member cut by GatherNd (the path of large activations)'],
  ] as const) {
    it(`wasm with ${label} gives the same members`, async () => {
      setStackedMatMulMode(mode, unstackUpTo);
      try {
        const o = await stackedAgainstSingles('wasm', 'modadd', LOGIT_MEMBERS.slice(0, 3), 3);
        console.log(
          `[stacked] wasm ${label}: worst relative Δ losses ${o.worstLoss.toExponential(1)}, weights ${o.worstWeight.toExponential(1)}`,
        );
      } finally {
        setStackedMatMulMode(null);
      }
    });
  }

  it('refuses the intermediate terms for a member whose target is not the teacher, and mismatched hyperparameters', async () => {
    await useBackend('cpu');
    const task = buildTask('modadd', { seed: DATASET_SEED, labelled: LABELLED, transfer: TRANSFER });
    const teacher = GPT.init(
      { ...PRESETS.tiny, vocabSize: task.vocab.length, blockSize: task.seqLen, bias: false, dropout: 0 },
      1,
      false,
    );
    const stack = new StackedDistillStep(
      teacher,
      task,
      PRESETS.tiny,
      [
        { name: 'a', seed: 1 },
        { name: 'u', seed: 2, target: 'uniform' },
      ],
      { seed: 1, labelled: LABELLED },
    );
    await stack.cacheTeacher();
    expect(() => stack.step([w(2, 0.5), w(1, 0.1, 1)], 4, 1e-3)).toThrow(/member u: the intermediate terms/);
    expect(() => stack.step([w(2, 0.5)], 4, 1e-3)).toThrow(/1 hyperparameter sets for 2 members/);
    expect(
      () =>
        new StackedDistillStep(teacher, task, PRESETS.tiny, [{ name: 'x', seed: 1, target: 'nope' as 'teacher' }], {
          seed: 1,
          labelled: 4,
        }),
    ).toThrow(/unknown soft target/);
    stack.dispose();
    teacher.dispose();
  });
});
