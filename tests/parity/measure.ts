// What the cross-backend parity suite compares: every quantity of the core that a backend kernel
// could get wrong, computed on one backend from the same host data (shipped teacher weights, seeded
// student init, the real task's rows and masks). Run on cpu, wasm and webgpu, then compared pairwise
// (tests/parity.test.ts). Nothing here reads a tensor synchronously: `await data()` only.

import * as tf from '@tensorflow/tfjs';
import { DATASET_SEED, DEFAULT_HYPER, PRESETS, type Hyper, type TaskId } from '../../src/config';
import { buildTask } from '../../src/data';
import { distillationLoss } from '../../src/distill/losses';
import { GPT, parameterNames, parameterShape } from '../../src/model/gpt';
import { deriveSeed, mulberry32, normal } from '../../src/rng';
import { DEFAULT_ADAMW } from '../../src/train/adamw';
import { indexSplit, scoredProbs } from '../../src/train/evaluate';
import { inspectModel } from '../../src/train/inspect';
import { STEP_VALUES } from '../../src/report';
import { DistillStep, modelConfigFor } from '../../src/train/steps';
import { loadModelDir } from '../../src/cli/modelDir';
import { shippedTeacherDir } from '../../src/cli/teachers';

export const PARITY_BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
export type ParityBackend = (typeof PARITY_BACKENDS)[number];

/** Rows of the task's student training set used for the forward passes (B). */
const ROWS = 6;
const SEED = 5;
/** Every term on, so every kernel of the objective runs. */
export const PARITY_HYPER: Hyper = {
  ...DEFAULT_HYPER,
  temperature: 3,
  alpha: 0.6,
  beta: 0.5,
  gamma: 0.5,
  delta: 0.5,
  lr: 1e-3,
  batchSize: 8,
};

/** name → values, in a fixed order. */
export type Measurement = Map<string, Float32Array>;

export async function useBackend(name: ParityBackend): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
  if (tf.getBackend() !== name) throw new Error(`backend is ${tf.getBackend()}, not ${name}`);
}

async function read(out: Measurement, name: string, t: tf.Tensor): Promise<void> {
  out.set(name, Float32Array.from((await t.data()) as Float32Array));
}

/** All quantities for one task on the current backend. Leaves no tensor behind. */
export async function measureTask(taskId: Exclude<TaskId, 'custom-text' | 'custom-csv'>): Promise<Measurement> {
  const before = tf.memory().numTensors;
  // A small training set (the step caches the teacher over all of it), the real shapes and vocabulary.
  const task = buildTask(taskId, { seed: DATASET_SEED, labelled: 8, transfer: 8 });
  const { model: teacher } = await loadModelDir(shippedTeacherDir(taskId), false);
  const studentSize = PRESETS['student-s'];
  const student = GPT.init(modelConfigFor(studentSize, task), SEED);
  const out: Measurement = new Map();
  const T = task.seqLen;
  const V = task.vocab.length;
  const rows = task.train;
  const slice = <A extends Int32Array | Float32Array>(a: A) => a.subarray(0, ROWS * T) as A;

  // Forward passes: logits, every layer's hidden state and attention map, for both models.
  // One scope for the forward passes and the reference terms: every tensor made in it goes at endScope.
  tf.engine().startScope();
  const idx = tf.tensor2d(slice(rows.inputs), [ROWS, T], 'int32');
  const forwards = {
    teacher: teacher.forward(idx, { collect: true }),
    student: student.forward(idx, { collect: true }),
  };
  for (const role of ['teacher', 'student'] as const) {
    const f = forwards[role];
    await read(out, `${role} logits`, f.logits);
    for (const [i, h] of f.hidden!.entries()) await read(out, `${role} hidden ${i}`, h);
    for (const [i, a] of f.attention!.entries()) await read(out, `${role} attention ${i}`, a);
  }

  // The reference loss terms (src/distill/losses.ts), each on its own, from those outputs.
  const ct = teacher.config.nEmbd;
  const cs = studentSize.nEmbd;
  const terms = (() => {
    const projections = Array.from({ length: studentSize.nLayer }, (_, i) =>
      tf.tensor2d(normal(mulberry32(deriveSeed(SEED, `parity:proj:${i}`)), cs * ct, 1 / Math.sqrt(cs)), [cs, ct]),
    );
    const s = forwards.student;
    const t = forwards.teacher;
    const l = distillationLoss(
      {
        studentLogits: s.logits.reshape([ROWS * T, V]) as tf.Tensor2D,
        teacherLogits: t.logits.reshape([ROWS * T, V]) as tf.Tensor2D,
        targets: tf.tensor1d(slice(rows.targets), 'int32'),
        hardMask: tf.tensor1d(slice(rows.hardMask)),
        softMask: tf.tensor1d(slice(rows.softMask)),
        intermediate: {
          studentHidden: s.hidden!,
          teacherHidden: t.hidden!,
          studentAtt: s.attention!,
          teacherAtt: t.attention!,
          projections,
          tokenMask: tf.tensor2d(slice(rows.tokenMask), [ROWS, T]),
        },
      },
      { temperature: PARITY_HYPER.temperature, alpha: PARITY_HYPER.alpha, beta: 1, gamma: 1, delta: 1 },
    );
    return tf.stack([l.total, l.hard, l.soft, l.feature, l.attention, l.relation]);
  })();
  const termValues = (await terms.data()) as Float32Array;
  ['total', 'hard', 'soft', 'feature', 'attention', 'relation'].forEach((name, i) =>
    out.set(`loss ${name}`, termValues.slice(i, i + 1)),
  );
  tf.engine().endScope();
  student.dispose();

  // The read-out paths: evaluation's scored probabilities (gathers at the scored positions, class
  // columns, softmax) and the predictions panel's inspection (last-position logits, attention maps).
  const valIndex = indexSplit(task, task.val, 32);
  out.set('teacher validation probabilities', await scoredProbs(teacher, task.val, valIndex));
  const prompt = task.encodePrompt(task.examples[0]);
  const inspection = await inspectModel(teacher, prompt, task.classes ? task.classes.map((c) => c.tokenId) : null);
  out.set('teacher inspection logits', inspection.logits);
  inspection.attention.forEach((heads, l) =>
    out.set(`teacher inspection attention ${l}`, Float32Array.from(heads.flatMap((h) => [...h]))),
  );

  // One full distillation step, all terms on: the fused objective, the student's and the
  // baseline's gradients (read as AdamW's first moment after one update: m = (1 − β1)·g, g clipped to norm 1 as in a run).
  const step = new DistillStep(teacher, task, studentSize, SEED, 8, DEFAULT_ADAMW);
  await step.cacheTeacher();
  const values = step.step(PARITY_HYPER, PARITY_HYPER.lr);
  const stepValues = (await values.data()) as Float32Array;
  STEP_VALUES.forEach((name, i) => out.set(`step ${name}`, stepValues.slice(i, i + 1)));
  values.dispose();
  const scale = 1 / (1 - DEFAULT_ADAMW.beta1);
  const [studentMoments, projectionMoments] = step.moments('student');
  const [baselineMoments] = step.moments('baseline');
  // Flat moments split back into parameters, so each is judged against its own scale.
  const names = parameterNames(step.student.config);
  const sizes = names.map((n) => parameterShape(step.student.config, n).reduce((a, b) => a * b, 1));
  for (const [role, m] of [
    ['student', studentMoments.m],
    ['baseline', baselineMoments.m],
  ] as const) {
    const g = (await m.data()) as Float32Array;
    let offset = 0;
    names.forEach((name, i) => {
      out.set(
        `${role} grad ${name}`,
        g.slice(offset, offset + sizes[i]).map((x) => x * scale),
      );
      offset += sizes[i];
    });
  }
  const projections = (await projectionMoments.m.data()) as Float32Array;
  out.set(
    'student grad projections',
    projections.map((x) => x * scale),
  );
  step.dispose();
  teacher.dispose();
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`parity measurement on ${tf.getBackend()} left ${leaked} tensors behind`);
  return out;
}

export interface Difference {
  name: string;
  /** max |a − b| */
  diff: number;
  /** max |a|: what the difference is judged against */
  scale: number;
}

export function compare(name: string, a: Float32Array, b: Float32Array): Difference {
  if (a.length !== b.length) throw new Error(`${name}: ${a.length} values vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    diff = Number.isNaN(d) || Number.isNaN(diff) ? NaN : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return { name, diff, scale };
}
