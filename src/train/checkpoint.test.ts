// The resume contract: a run checkpointed after k steps, encoded, decoded, disposed and resumed in a
// fresh run continues bit for bit as the same run never interrupted: every reported loss, every
// evaluation and every final weight (teacher, student, baseline, projections) is equal, on cpu and
// on wasm. Also: damaged bytes are refused with a sentence, another task's checkpoint is refused,
// and nothing leaks.

import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, taskOptions, type Hyper, type RunConfig } from '../config';
import { buildTask } from '../data';
import type { Task } from '../data/task';
import type { EvalReport, StepPoint, TrainPhase } from '../report';
import { useBackend, type ParityBackend } from '../../tests/parity/measure';
import { initNodeWebGPU, releaseNodeWebGPU } from '../cli/webgpu-node';
import { captureCheckpoint, decodeRunCheckpoint, encodeRunCheckpoint, type RunCheckpoint } from './checkpoint';
import { resumeRun } from './resume';
import { DistillationRun, type RunControl } from './run';

const HYPER: Hyper = { ...DEFAULT_CONFIG.hyper, batchSize: 8, lr: 5e-3, beta: 0.5 };
const CONFIG: RunConfig = {
  ...DEFAULT_CONFIG,
  task: 'modadd',
  teacher: 'tiny',
  student: 'tiny',
  hyper: HYPER,
  teacherSteps: 8,
  steps: 14,
  evalEvery: 4,
  warmupSteps: 3,
  labelled: 16,
  transfer: 48,
  patience: 0,
};

interface Outcome {
  points: StepPoint[];
  evals: EvalReport[];
  /** Every final weight: teacher, student, baseline, projections, in that order. */
  weights: Float32Array[];
  restoredFrom: DistillationRun['restoredFrom'];
}

/** A control that changes the learning rate at distillation step 6 (so hyperHistory matters). */
function hyperAt(run: () => DistillationRun | null): Hyper {
  const r = run();
  return r && r.distillStep >= 5 ? { ...HYPER, lr: 3e-3 } : HYPER;
}

async function finish(run: DistillationRun, points: StepPoint[], evals: EvalReport[]): Promise<Outcome> {
  const d = run.distiller!;
  const vars = [...run.teacher.variables(), ...d.student.variables(), ...d.baseline.variables(), ...d.projections];
  const weights = await Promise.all(vars.map(async (v) => Float32Array.from((await v.data()) as Float32Array)));
  const restoredFrom = run.restoredFrom;
  run.dispose();
  return { points, evals, weights, restoredFrom };
}

async function uninterrupted(task: Task, config: RunConfig): Promise<Outcome> {
  const points: StepPoint[] = [];
  const evals: EvalReport[] = [];
  let run: DistillationRun | null = null;
  const control: RunControl = { hyper: () => hyperAt(() => run), beforeStep: async () => {}, stopped: () => false };
  run = new DistillationRun(task, config, control, {
    onPoints: (p) => points.push(...p),
    onEval: (e) => evals.push(e),
  });
  await run.trainTeacher();
  await run.distill();
  return finish(run, points, evals);
}

/** Runs until the gate before step k+1 of `phase`, checkpoints, encodes, and disposes the run. */
async function interruptedAt(
  task: Task,
  config: RunConfig,
  phase: TrainPhase,
  k: number,
): Promise<{ bytes: ArrayBuffer; checkpoint: RunCheckpoint; points: StepPoint[]; evals: EvalReport[] }> {
  const points: StepPoint[] = [];
  const evals: EvalReport[] = [];
  let run: DistillationRun | null = null;
  let checkpoint: RunCheckpoint | null = null;
  const control: RunControl = {
    hyper: () => hyperAt(() => run),
    beforeStep: async () => {
      const r = run!;
      const at = phase === 'teacher' ? r.teacherStep : r.distillStep;
      if (!checkpoint && r.phase === phase && at === k)
        checkpoint = await captureCheckpoint(
          r,
          hyperAt(() => r),
        );
    },
    stopped: () => checkpoint !== null,
  };
  run = new DistillationRun(task, config, control, {
    onPoints: (p) => points.push(...p),
    onEval: (e) => evals.push(e),
  });
  await run.trainTeacher();
  if (!checkpoint) await run.distill();
  run.dispose();
  expect(checkpoint).not.toBeNull();
  return { bytes: encodeRunCheckpoint(checkpoint!), checkpoint: checkpoint!, points, evals };
}

async function resumed(task: Task, bytes: ArrayBuffer): Promise<Outcome> {
  const points: StepPoint[] = [];
  const evals: EvalReport[] = [];
  let run: DistillationRun | null = null;
  const control: RunControl = { hyper: () => hyperAt(() => run), beforeStep: async () => {}, stopped: () => false };
  run = resumeRun(task, decodeRunCheckpoint(bytes), control, {
    onPoints: (p) => points.push(...p),
    onEval: (e) => evals.push(e),
  });
  await run.trainTeacher();
  await run.distill();
  return finish(run, points, evals);
}

/** All reported loss values in order, as float32 (what the models computed). */
function lossValues(points: StepPoint[]): Float32Array {
  return Float32Array.from(points.flatMap((p) => Object.values(p.values)));
}

function expectBitwiseEqual(a: Float32Array[], b: Float32Array[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(Buffer.from(x.buffer).equals(Buffer.from(b[i].buffer)), `weight ${i}`).toBe(true));
}

async function expectResumeExact(
  config: RunConfig,
  phase: TrainPhase,
  k: number,
): Promise<{ checkpoint: RunCheckpoint; reference: Outcome }> {
  const task = buildTask(config.task, taskOptions(config));
  const before = tf.memory().numTensors;
  const reference = await uninterrupted(task, config);
  const first = await interruptedAt(task, config, phase, k);
  const rest = await resumed(task, first.bytes);
  expect(tf.memory().numTensors).toBe(before);

  const points = [...first.points, ...rest.points];
  expect(points.map((p) => `${p.phase}:${p.step}:${p.lr}:${p.temperature}`)).toEqual(
    reference.points.map((p) => `${p.phase}:${p.step}:${p.lr}:${p.temperature}`),
  );
  expectBitwiseEqual([lossValues(points)], [lossValues(reference.points)]);
  // The resumed run's evaluations (the frozen teacher's validation outputs are recomputed) equal the reference's.
  expect([...first.evals, ...rest.evals]).toEqual(reference.evals);
  expectBitwiseEqual(rest.weights, reference.weights);
  expect(rest.restoredFrom).toEqual(reference.restoredFrom);
  return { checkpoint: first.checkpoint, reference };
}

// WebGPU in Node (Dawn, SwiftShader without a GPU) where an adapter exists; skipped with the reason printed otherwise.
const gpu = await initNodeWebGPU();
if (!gpu.ok) console.warn(`[checkpoint] skipping the webgpu column: ${gpu.reason}`);
const BACKENDS: ParityBackend[] = ['cpu', 'wasm'];

describe.each(BACKENDS)('checkpoint and resume on %s', (backend) => {
  it('resumes a checkpoint from the teacher phase bit for bit', async () => {
    await useBackend(backend);
    const { checkpoint: c } = await expectResumeExact(CONFIG, 'teacher', 5);
    expect(c.meta.phase).toBe('teacher');
    expect(c.meta.taken).toEqual({ teacher: 5, distill: 0 });
  });

  it('resumes a checkpoint from the distillation phase bit for bit (with a live lr change before it)', async () => {
    await useBackend(backend);
    const { checkpoint: c } = await expectResumeExact(CONFIG, 'distill', 7);
    expect(c.meta.taken).toEqual({ teacher: CONFIG.teacherSteps, distill: 7 });
    expect(c.meta.hyperHistory.filter((r) => r.phase === 'distill').map((r) => r.step)).toEqual([1, 6]);
  });

  it('resumes with early-stopping state (kept best weights, patience count) bit for bit', async () => {
    await useBackend(backend);
    const config = { ...CONFIG, steps: 40, evalEvery: 3, patience: 2, hyper: { ...HYPER, lr: 2e-2 } };
    const { checkpoint: c, reference } = await expectResumeExact(config, 'distill', 4);
    expect(reference.restoredFrom).not.toBeNull();
    expect(reference.points[reference.points.length - 1].step).toBeLessThan(config.steps);
    expect(c.tensors.has('early.student/0')).toBe(true);
    // Checkpointed one validation without improvement into a patience of 2: the stop (and the
    // restore of the kept weights) happens after the resume, from the restored state.
    expect(c.meta.early).toMatchObject({ sinceBest: 1, shouldStop: false });
  });
});

// On SwiftShader a step of even the tiny model costs seconds (the three cases above take over two
// minutes each there), so webgpu gets one short run: checkpoint in distillation, resume, finish.
describe.skipIf(!gpu.ok)('checkpoint and resume on webgpu', () => {
  it('resumes a checkpoint from the distillation phase bit for bit', async () => {
    await useBackend('webgpu');
    const short = { ...CONFIG, teacherSteps: 2, steps: 4, evalEvery: 4, warmupSteps: 1 };
    const { checkpoint } = await expectResumeExact(short, 'distill', 2);
    expect(checkpoint.meta.taken).toEqual({ teacher: 2, distill: 2 });
  }, 600_000);
});

afterAll(async () => {
  if (gpu.ok) await releaseNodeWebGPU();
  await tf.setBackend('cpu');
});

describe('checkpoint bytes', () => {
  async function smallCheckpoint(): Promise<{ task: Task; bytes: ArrayBuffer }> {
    await useBackend('cpu');
    const task = buildTask(CONFIG.task, taskOptions(CONFIG));
    const { bytes } = await interruptedAt(task, CONFIG, 'distill', 2);
    return { task, bytes };
  }

  it('refuses a flipped byte anywhere after the header, and a truncated checkpoint, with a sentence', async () => {
    const { bytes } = await smallCheckpoint();
    expect(() => decodeRunCheckpoint(bytes)).not.toThrow();
    for (const at of [24, Math.floor(bytes.byteLength / 2), bytes.byteLength - 1]) {
      const bad = bytes.slice(0);
      new Uint8Array(bad)[at] ^= 0x10;
      expect(() => decodeRunCheckpoint(bad)).toThrow(/corrupted \(its CRC32 checksum does not match/);
    }
    expect(() => decodeRunCheckpoint(bytes.slice(0, bytes.byteLength - 4))).toThrow(/truncated or damaged/);
    expect(() => decodeRunCheckpoint(bytes.slice(0, 10))).toThrow(/not a checkpoint: 10 bytes/);
    const notOne = bytes.slice(0);
    new Uint8Array(notOne)[0] = 0;
    expect(() => decodeRunCheckpoint(notOne)).toThrow(/does not start with "DPCK"/);
  });

  it("refuses to resume on another task's data, before allocating anything", async () => {
    const { bytes } = await smallCheckpoint();
    const other = buildTask('modadd', taskOptions({ ...CONFIG, labelled: 24 }));
    const before = tf.memory().numTensors;
    const control: RunControl = { hyper: () => HYPER, beforeStep: async () => {}, stopped: () => false };
    expect(() => resumeRun(other, decodeRunCheckpoint(bytes), control)).toThrow(
      /cannot resume: the checkpoint was trained on other data for "modadd"/,
    );
    const sentiment = buildTask('sentiment', taskOptions(CONFIG));
    expect(() => resumeRun(sentiment, decodeRunCheckpoint(bytes), control)).toThrow(
      /cannot resume: the checkpoint is of a run on the task "modadd", not "sentiment"/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
