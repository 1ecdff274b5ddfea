import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, taskOptions, type Hyper, type RunConfig } from '../config';
import { buildTask } from '../data';
import type { EvalReport, StepPoint } from '../report';
import { DistillationRun, fixedControl, type RunControl } from './run';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const HYPER: Hyper = { ...DEFAULT_CONFIG.hyper, batchSize: 8, lr: 5e-3 };
const CONFIG: RunConfig = {
  ...DEFAULT_CONFIG,
  task: 'modadd',
  teacher: 'tiny',
  student: 'tiny',
  hyper: HYPER,
  teacherSteps: 5,
  steps: 20,
  evalEvery: 10,
  warmupSteps: 2,
  labelled: 16,
  transfer: 64,
};

const task = () => buildTask(CONFIG.task, taskOptions(CONFIG));

async function snapshot(vars: tf.Variable[]): Promise<Float32Array[]> {
  return Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
}

describe('DistillationRun', () => {
  it('keeps the teacher bit-identical while the student learns, even with every intermediate term on', async () => {
    const run = new DistillationRun(
      task(),
      { ...CONFIG, hyper: { ...HYPER, beta: 1, gamma: 1, delta: 1 } },
      fixedControl({ ...HYPER, beta: 1, gamma: 1, delta: 1 }),
    );
    await run.trainTeacher();
    const teacherBefore = await snapshot(run.teacher.variables());
    await run.distill();
    const studentInit = await snapshot(run.distiller!.baseline.variables());
    expect(run.distillStep).toBe(CONFIG.steps);
    const teacherAfter = await snapshot(run.teacher.variables());
    teacherAfter.forEach((w, i) =>
      expect(Buffer.from(w.buffer).equals(Buffer.from(teacherBefore[i].buffer))).toBe(true),
    );
    const studentAfter = await snapshot(run.distiller!.student.variables());
    // and the student did move
    expect(studentAfter.some((w, i) => w.some((x, j) => x !== studentInit[i][j]))).toBe(true);
    run.dispose();
  });

  it('trains baseline and student on identical batches: with α = β = γ = δ = 0 they stay bit-identical', async () => {
    const h = { ...HYPER, alpha: 0 };
    const run = new DistillationRun(task(), { ...CONFIG, hyper: h }, fixedControl(h));
    await run.trainTeacher();
    await run.distill();
    const s = await snapshot(run.distiller!.student.variables());
    const b = await snapshot(run.distiller!.baseline.variables());
    s.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(b[i])));
    run.dispose();
  });

  it('with α > 0 the distilled student and the baseline diverge', async () => {
    const run = new DistillationRun(task(), CONFIG, fixedControl(HYPER));
    await run.trainTeacher();
    await run.distill();
    const s = await snapshot(run.distiller!.student.variables());
    const b = await snapshot(run.distiller!.baseline.variables());
    expect(s.some((w, i) => w.some((x, j) => x !== b[i][j]))).toBe(true);
    run.dispose();
  });

  it('reads hyperparameters at every step, so a change mid-run applies at the next step', async () => {
    let hyper = { ...HYPER };
    const control: RunControl = { hyper: () => hyper, beforeStep: async () => {}, stopped: () => false };
    const points: StepPoint[] = [];
    const run = new DistillationRun(task(), CONFIG, control, { onPoints: (p) => points.push(...p) }, undefined, 0);
    await run.trainTeacher();
    await run.distill(); // 20 steps at the initial values
    hyper = { ...HYPER, temperature: 9, alpha: 0 };
    run.singleDistillStep();
    await run.flush();
    const last = points[points.length - 1];
    expect(last.step).toBe(CONFIG.steps + 1);
    expect(last.temperature).toBe(9);
    expect(last.alpha).toBe(0);
    // α = 0: the total is exactly the hard term
    expect(last.values.total).toBe(last.values.hard);
    const before = points.filter((p) => p.phase === 'distill')[0];
    expect(before.temperature).toBe(HYPER.temperature);
    expect(before.values.total).not.toBe(before.values.hard);
    run.dispose();
  });

  it('leaks no tensors over 100 steps, and dispose() returns to the starting count', async () => {
    const start = tf.memory().numTensors;
    const run = new DistillationRun(task(), { ...CONFIG, steps: 0 }, fixedControl(HYPER), {}, undefined, 0);
    await run.trainTeacher();
    await run.distill();
    run.singleDistillStep();
    await run.flush();
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      run.singleDistillStep();
      if (i % 10 === 0) await run.flush();
    }
    await run.flush();
    expect(tf.memory().numTensors).toBe(afterFirst);
    run.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('starts distilling with no pass over the training set first: the teacher runs on the rows batches need, once', async () => {
    const seen: [number, number][] = [];
    const phases: string[] = [];
    const run = new DistillationRun(task(), { ...CONFIG, steps: 1 }, fixedControl(HYPER), {
      onCacheProgress: (done, total) => seen.push([done, total]),
      onPhase: (p) => phases.push(p),
    });
    await run.trainTeacher();
    await run.distill();
    expect(phases).toEqual(['teacher', 'distill', 'done']);
    const count = run.task.train.count;
    const firstBatch = new Set(run.distiller!.lastRows).size;
    // One step: only its batch's rows are cached, and the run said so.
    expect(run.distiller!.cache.cached).toBe(firstBatch);
    expect(firstBatch).toBeLessThan(count);
    expect(seen).toEqual([
      [0, count],
      [firstBatch, count],
    ]);
    // Filling the rest later gives the same cache as a pass over the whole set.
    const once = tf.memory().numTensors;
    expect(await run.distiller!.cacheTeacher({ chunk: 16 })).toBe(true);
    expect(tf.memory().numTensors).toBe(once); // the filled cache replaces the partial one
    expect(run.distiller!.cache.complete).toBe(true);
    run.dispose();
  });

  it('a stop right after the first distillation step ends the run: nothing leaked', async () => {
    const start = tf.memory().numTensors;
    let stop = false;
    const control: RunControl = { ...fixedControl(HYPER), stopped: () => stop };
    const run = new DistillationRun(
      task(),
      CONFIG,
      control,
      { onPoints: (p) => (stop ||= p.some((x) => x.phase === 'distill')) },
      undefined,
      0,
    );
    await run.trainTeacher();
    await run.distill();
    expect(run.distillStep).toBe(1);
    expect(run.distiller!.cache.complete).toBe(false);
    run.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('reports every loss term per step and validation metrics for all three models', async () => {
    const points: StepPoint[] = [];
    const evals: EvalReport[] = [];
    const run = new DistillationRun(task(), CONFIG, fixedControl(HYPER), {
      onPoints: (p) => points.push(...p),
      onEval: (e) => evals.push(e),
    });
    await run.trainTeacher();
    await run.distill();
    const distill = points.filter((p) => p.phase === 'distill');
    expect(distill.map((p) => p.step)).toEqual(Array.from({ length: CONFIG.steps }, (_, i) => i + 1));
    for (const key of ['total', 'hard', 'soft', 'feature', 'attention', 'relation', 'baseline'] as const) {
      expect(Number.isFinite(distill[0].values[key])).toBe(true);
    }
    expect(points.filter((p) => p.phase === 'teacher')).toHaveLength(CONFIG.teacherSteps);
    // Before the first step one model is scored for both (they start identical), without the teacher's pass.
    const first = evals.find((e) => e.phase === 'distill')!;
    expect(first.step).toBe(0);
    expect(first.teacher).toBeUndefined();
    expect(first.baseline).toEqual(first.student);
    expect(first.gain).toMatchObject({ gain: 0, se: 0 });
    const last = evals[evals.length - 1];
    expect(last.step).toBe(CONFIG.steps);
    expect(last.student?.agreement).toBeGreaterThanOrEqual(0);
    expect(last.baseline?.klToTeacher).toBeGreaterThanOrEqual(0);
    expect(last.student?.confusion?.length).toBe(task().classes!.length);
    // The paired gain is the difference of the two accuracies, with a standard error.
    expect(last.gain!.gain).toBeCloseTo(last.student!.accuracy - last.baseline!.accuracy, 10);
    expect(last.gain!.se).toBeGreaterThanOrEqual(0);
    expect(last.gain!.rows).toBe(Math.min(512, task().val.count));
    run.dispose();
  });

  it('stops early when validation stops improving', async () => {
    const h = { ...HYPER, lr: 1e-5 };
    const run = new DistillationRun(
      task(),
      { ...CONFIG, steps: 200, evalEvery: 5, patience: 2, hyper: h },
      fixedControl(h),
    );
    await run.trainTeacher();
    await run.distill();
    expect(run.distillStep).toBeLessThan(200);
    run.dispose();
  });
});
