import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveSize, taskOptions, type RunConfig } from '../config';
import { buildTask } from '../data';
import { GPT } from '../model/gpt';
import { memoryLimits } from '../memory';
import { deriveSeed } from '../rng';
import {
  membersPerGroup,
  planMembers,
  referenceCell,
  validateSweep,
  type SweepConfig,
  type SweepReport,
} from '../sweepConfig';
import { SweepMemoryError } from '../sweepMemory';
import { DEFAULT_ADAMW } from './adamw';
import { evaluateModel, indexSplit } from './evaluate';
import { VAL_ROWS } from './run';
import { learningRate } from './schedule';
import { StackedDistillStep } from './stackedStep';
import { modelConfigFor } from './steps';
import { checkSweepFits, SweepRun, type SweepControlHandle } from './sweep';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const RUN: RunConfig = {
  ...DEFAULT_CONFIG,
  task: 'modadd',
  teacher: 'tiny',
  student: 'tiny',
  hyper: { ...DEFAULT_CONFIG.hyper, batchSize: 8, lr: 5e-3, temperature: 3, alpha: 0.6 },
  steps: 6,
  evalEvery: 3,
  warmupSteps: 2,
  labelled: 16,
  transfer: 48,
};

const SWEEP: SweepConfig = {
  run: RUN,
  temperatures: [1, 4],
  alphas: [0.5],
  seeds: [1, 2],
  controls: ['random-teacher', 'permuted', 'label-smoothing', 'temperature-scaling'],
  students: ['tiny'],
  smoothing: 0.1,
};

const task = () => buildTask(RUN.task, taskOptions(RUN));
const teacherFor = (t = task()) =>
  GPT.init(modelConfigFor(resolveSize(RUN.teacher), t), deriveSeed(RUN.seed, 'init:teacher'), false);

describe('sweep config', () => {
  it('plans, per seed, the baseline, every (T, α) cell and the trained controls at the reference cell', () => {
    const plan = planMembers(SWEEP);
    expect(plan.length).toBe(membersPerGroup(SWEEP));
    expect(plan.length).toBe(2 * (1 + 2 + 3));
    expect(plan.slice(0, 6).map((m) => m.name)).toEqual([
      'baseline seed 1',
      'T=1 α=0.5 seed 1',
      'T=4 α=0.5 seed 1',
      'random teacher seed 1',
      'permuted teacher seed 1',
      'label smoothing ε=0.1 seed 1',
    ]);
    expect(plan.slice(6).every((m) => m.seed === 2)).toBe(true);
    // run T = 3 is nearest 4 (in log T), α = 0.6 nearest 0.5
    expect(referenceCell(SWEEP)).toEqual({ t: 1, a: 0 });
    const random = plan.find((m) => m.target === 'random-teacher')!;
    expect([random.temperature, random.alpha]).toEqual([4, 0.5]);
    const smoothing = plan.find((m) => m.target === 'uniform')!;
    expect([smoothing.temperature, smoothing.alpha]).toEqual([1, 0.1]);
    expect(plan.filter((m) => m.role.kind === 'baseline').every((m) => m.alpha === 0)).toBe(true);
    expect(validateSweep(SWEEP)).toEqual([]);
  });

  it('rejects bad input with a sentence that says what to change', () => {
    const bad = (patch: Partial<SweepConfig>) => validateSweep({ ...SWEEP, ...patch }).join(' | ');
    expect(bad({ temperatures: [] })).toMatch(/at least one temperature/);
    expect(bad({ temperatures: [0] })).toMatch(/temperature T must be between/);
    expect(bad({ alphas: [0] })).toMatch(/α = 0 is the baseline/);
    expect(bad({ alphas: [0.5, 0.5] })).toMatch(/must not repeat/);
    expect(bad({ seeds: [1.5] })).toMatch(/whole number/);
    expect(bad({ controls: ['nope' as never] })).toMatch(/unknown control "nope"/);
    expect(bad({ students: ['9x9'] as never })).toMatch(/unknown model size "9x9"/);
    expect(bad({ smoothing: 1 })).toMatch(/ε must be between 0 and 1/);
    expect(bad({ run: { ...RUN, hyper: { ...RUN.hyper, beta: 1 } } })).toMatch(/logits only/);
    // the stacked step computes today's objective only: any other choice is refused, in words
    expect(bad({ run: { ...RUN, hyper: { ...RUN.hyper, divergence: 2, jsdBeta: 0.3 } } })).toMatch(
      /a sweep trains the default objective only .*; this run's is jsd\(β = 0.3\): set the divergence/,
    );
    expect(bad({ run: { ...RUN, hyper: { ...RUN.hyper, tSquared: 0, labelSmoothing: 0.1 } } })).toMatch(
      /this run's is forward-kl, no T², ε = 0.1:/,
    );
    expect(bad({ run: { ...RUN, hyper: { ...RUN.hyper, sparseTeacher: 1, teacherK: 4 } } })).toMatch(
      /this run's is forward-kl, top-4:/,
    );
    expect(bad({ run: { ...RUN, hyper: { ...RUN.hyper, jsdBeta: 0.3, teacherK: 4 } } })).toBe(''); // unused settings
    expect(
      bad({ temperatures: [1, 2, 3, 4, 5, 6, 7, 8], alphas: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], seeds: [1, 2] }),
    ).toMatch(/136 students per stack is more than 96/);
    expect(() => new SweepRun(task(), { ...SWEEP, seeds: [] }, null as never)).toThrow(
      /the sweep is not valid: choose at least one seed/,
    );
  });

  it('refuses a sweep that cannot fit, with the estimate and the limit', () => {
    const limits = memoryLimits('wasm', undefined, 1024 ** 2);
    expect(() => checkSweepFits(SWEEP, task(), limits)).toThrow(SweepMemoryError);
    expect(() => checkSweepFits(SWEEP, task(), limits)).toThrow(
      /a sweep of 12 students needs about [\d.]+ MiB .*; the wasm backend can address 4 GiB/,
    );
    expect(checkSweepFits(SWEEP, task(), memoryLimits('wasm')).peak).toBeGreaterThan(0);
  });
});

describe('SweepRun', () => {
  it('reports every cell at every evaluation, with gains computed from the members themselves, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const t = task();
    const teacher = teacherFor(t);
    const reports: SweepReport[] = [];
    const progress: number[] = [];
    const run = new SweepRun(t, SWEEP, teacher, undefined, {
      onReport: (r) => reports.push(r),
      onProgress: (p) => progress.push(p.step),
    });
    expect(await run.run()).toBe(true);
    run.dispose();
    expect(reports.map((r) => [r.group, r.step, r.final])).toEqual([
      [0, 3, false],
      [0, 6, true],
    ]);
    const last = reports[1];
    expect(last.cells.map((c) => [c.temperature, c.alpha])).toEqual([
      [1, 0.5],
      [4, 0.5],
    ]);
    expect(last.controls.map((c) => c.control)).toEqual(['random-teacher', 'permuted', 'label-smoothing']);
    expect(last.members).toBe(12);
    expect(progress[progress.length - 1]).toBe(6);

    // The same stack trained again outside the sweep: each member's accuracy, and the gain as
    // distilled − baseline of the same seed, from standalone copies of the members.
    const plan = planMembers(SWEEP);
    const stack = new StackedDistillStep(teacher, t, resolveSize('tiny'), plan, {
      seed: RUN.seed,
      labelled: RUN.labelled,
      adam: { ...DEFAULT_ADAMW, weightDecay: RUN.weightDecay, clipNorm: RUN.clipNorm },
    });
    await stack.cacheTeacher();
    for (let s = 0; s < RUN.steps; s++)
      stack
        .step(
          plan.map((m) => ({ temperature: m.temperature, alpha: m.alpha, beta: 0, gamma: 0, delta: 0 })),
          RUN.hyper.batchSize,
          learningRate(s, RUN.hyper.lr, RUN.warmupSteps, RUN.steps),
        )
        .dispose();
    const index = indexSplit(t, t.val, VAL_ROWS);
    const acc: number[] = [];
    for (let k = 0; k < plan.length; k++) {
      const m = stack.memberModel(k);
      acc.push((await evaluateModel(m, t, t.val, index)).metrics.accuracy);
      m.dispose();
    }
    stack.dispose();
    const accOf = (name: string) => acc[plan.findIndex((m) => m.name === name)];
    for (const [i, T] of [1, 4].entries()) {
      const cell = last.cells[i];
      const perSeed = [1, 2].map((seed) => accOf(`T=${T} α=0.5 seed ${seed}`) - accOf(`baseline seed ${seed}`));
      cell.gain.perSeed.forEach((g, j) => expect(g).toBeCloseTo(perSeed[j], 10));
      expect(cell.gain.gain).toBeCloseTo((perSeed[0] + perSeed[1]) / 2, 10);
      expect(cell.accuracy).toBeCloseTo((accOf(`T=${T} α=0.5 seed 1`) + accOf(`T=${T} α=0.5 seed 2`)) / 2, 10);
      expect(cell.gain.se).toBeGreaterThanOrEqual(cell.gain.seRows);
      expect(cell.gain.seSeeds).not.toBeNull();
    }
    expect(last.baselineAccuracy).toBeCloseTo((accOf('baseline seed 1') + accOf('baseline seed 2')) / 2, 10);
    const random = last.controls[0];
    expect(random.gain.perSeed[0]).toBeCloseTo(accOf('random teacher seed 1') - accOf('baseline seed 1'), 10);
    // Temperature scaling: fitted on half the rows, never worse in NLL on the fit half; reported on the other.
    const cal = last.calibration!;
    expect(cal.temperature).toBeGreaterThan(0);
    expect(cal.fitRows + cal.heldOutRows).toBe(last.rows);
    expect(Number.isFinite(cal.nllAfter) && Number.isFinite(cal.eceAfter)).toBe(true);
    teacher.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs the capacity ladder as one stack per student size, in order', async () => {
    const before = tf.memory().numTensors;
    const t = task();
    const teacher = teacherFor(t);
    const reports: SweepReport[] = [];
    const config: SweepConfig = {
      ...SWEEP,
      seeds: [1],
      controls: [],
      temperatures: [2],
      students: ['tiny', '1x2x32'],
      run: { ...RUN, steps: 2, evalEvery: 2 },
    };
    const run = new SweepRun(t, config, teacher, undefined, { onReport: (r) => reports.push(r) });
    expect(await run.run()).toBe(true);
    expect(reports.map((r) => [r.group, r.student, r.final])).toEqual([
      [0, 'tiny', true],
      [1, '1x2x32', true],
    ]);
    expect(reports[1].parameters).toBeGreaterThan(reports[0].parameters);
    expect(reports[0].calibration).toBeNull();
    teacher.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops part way when asked, frees everything, and reports nothing after', async () => {
    const before = tf.memory().numTensors;
    const t = task();
    const teacher = teacherFor(t);
    let steps = 0;
    const control: SweepControlHandle = { beforeStep: async () => void steps++, stopped: () => steps >= 4 };
    const reports: SweepReport[] = [];
    const run = new SweepRun(t, SWEEP, teacher, control, { onReport: (r) => reports.push(r) });
    expect(await run.run()).toBe(false);
    run.dispose();
    expect(reports.map((r) => r.step)).toEqual([3]);
    teacher.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
