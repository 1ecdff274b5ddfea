import { describe, expect, it } from 'vitest';
import { configFromSearchParams, DEFAULT_CONFIG } from '../config';
import type { EvalReport, LossPoint, Metrics, WorkerEvent } from '../worker/protocol';
import { parseCurveName, parseMetricName } from './runNames';
import { parseRecord } from './runRecord';
import { hasProgress, runEndNow, runToRecord } from './runToRecord';
import { initialState, reducer, type Action, type AppState } from './state';

const ev = (event: WorkerEvent): Action => ({ type: 'event', event });
const play = (s: AppState, ...actions: Action[]) => actions.reduce(reducer, s);
const made = { id: 'run-1', now: 1_765_000_000_000 };

const metrics = (accuracy: number): Metrics => ({ accuracy, nll: 1, perplexity: 2.7, ece: 0.1, reliability: [] });

function lossPoint(step: number, phase: 'teacher' | 'distill', total: number): LossPoint {
  const values = phase === 'distill' ? { total, hard: total + 1, soft: total / 2, baseline: total + 0.25 } : { total };
  return { phase, step, lr: 1e-3, temperature: 4, alpha: 0.7, values };
}

const config = {
  ...DEFAULT_CONFIG,
  task: 'grammar' as const,
  seed: 7,
  hyper: { ...DEFAULT_CONFIG.hyper, temperature: 2, alpha: 0.5 },
};

/** A run with a teacher phase (2 steps, 1 validation), a distillation (3 steps, 2 validations) and a test. */
function finishedRun(): AppState {
  let s = play(initialState(config), { type: 'started', runId: 2, paused: false });
  const val1: EvalReport = {
    phase: 'distill',
    step: 2,
    split: 'val',
    teacher: metrics(0.8),
    student: metrics(0.41),
    baseline: metrics(0.33),
    gain: { gain: 0.08, se: 0.02, n: 500, rows: 500 },
  };
  const val2: EvalReport = {
    ...val1,
    step: 3,
    student: metrics(0.52),
    baseline: metrics(0.37),
    gain: { gain: 0.15, se: 0.025, n: 500, rows: 500 },
  };
  const test: EvalReport = {
    phase: 'distill',
    step: 3,
    split: 'test',
    teacher: metrics(0.81),
    student: metrics(0.55),
    baseline: metrics(0.36),
    gain: { gain: 0.19, se: 0.021, n: 1000, rows: 1000 },
  };
  s = play(
    s,
    ev({ type: 'phase', runId: 2, phase: 'teacher', detail: '', totalSteps: 2 }),
    ev({ type: 'points', runId: 2, points: [lossPoint(1, 'teacher', 3), lossPoint(2, 'teacher', 2.5)], speed: null }),
    ev({ type: 'eval', runId: 2, report: { phase: 'teacher', step: 2, split: 'val', teacher: metrics(0.7) } }),
    ev({ type: 'phase', runId: 2, phase: 'distill', detail: '', totalSteps: 3 }),
    ev({ type: 'points', runId: 2, points: [1, 2, 3].map((i) => lossPoint(i, 'distill', 2 - i / 10)), speed: null }),
    ev({ type: 'eval', runId: 2, report: val1 }),
    ev({ type: 'eval', runId: 2, report: val2 }),
    ev({ type: 'hyperApplied', runId: 2, phase: 'distill', step: 2, changes: { temperature: { from: 2, to: 3 } } }),
    ev({ type: 'eval', runId: 2, report: test }),
    ev({ type: 'phase', runId: 2, phase: 'done', detail: '', totalSteps: 0 }),
  );
  return s;
}

describe('a run as a runs-table record', () => {
  it('holds the numbers of the state, and only those', () => {
    const s = finishedRun();
    const r = runToRecord(s, made)!;
    expect(r.kind).toBe('run');
    expect(r.id).toBe('run-1');
    expect(r.createdAt).toBe(made.now);
    expect(r.end).toEqual({ kind: 'done' });
    expect(r.title).toBe('grammar · teacher-s → student-s · T 2 · α 0.5');
    // The URL is the start config: reading it back gives the config the run started with.
    expect(configFromSearchParams(new URLSearchParams(r.url)).config).toEqual(config);
    expect(r.metrics).toEqual({
      'steps.teacher': 2,
      'steps.distill': 3,
      'val.teacher.accuracy': 0.8,
      'val.student.accuracy': 0.52,
      'val.baseline.accuracy': 0.37,
      'val.gain': 0.15,
      'val.gain_se': 0.025,
      'test.teacher.accuracy': 0.81,
      'test.student.accuracy': 0.55,
      'test.baseline.accuracy': 0.36,
      'test.gain': 0.19,
      'test.gain_se': 0.021,
    });
    // Curves are the chart rows of the state, point for point.
    expect(r.curves['teacher.loss.total']).toEqual({
      scale: 'nats',
      points: s.run.teacherLoss.map((row) => ({ step: row.step, value: row.total })),
    });
    expect(r.curves['distill.loss.hard'].points).toEqual(
      s.run.distillLoss.map((row) => ({ step: row.step, value: row.hard })),
    );
    expect(r.curves['distill.loss.baseline'].points).toEqual(
      s.run.distillLoss.map((row) => ({ step: row.step, value: row.baseline })),
    );
    expect(r.curves['distill.loss.total'].points.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(r.curves['teacher.val_accuracy.teacher']).toEqual({ scale: 'percent', points: [{ step: 2, value: 0.7 }] });
    expect(r.curves['distill.val_accuracy.student'].points).toEqual([
      { step: 2, value: 0.41 },
      { step: 3, value: 0.52 },
    ]);
    expect(r.curves['distill.val_gain']).toEqual({
      scale: 'points',
      points: [
        { step: 2, value: 0.08 },
        { step: 3, value: 0.15 },
      ],
    });
    // A loss term the run never reported (feature: β = 0) is absent, not a line of zeros.
    expect(r.curves['distill.loss.feature']).toBeUndefined();
    expect(r.marks).toEqual([{ phase: 'distill', step: 2, label: 'T=3' }]);
    // Every name is one the table can label, and the record passes its own validation.
    for (const name of Object.keys(r.metrics)) expect(parseMetricName(name), name).not.toBeNull();
    for (const name of Object.keys(r.curves)) expect(parseCurveName(name), name).not.toBeNull();
    expect(parseRecord(JSON.parse(JSON.stringify(r)))).toEqual({ ok: true, value: r });
  });

  it('records a run stopped part way as "stopped at step N" with what it had, and no test metrics', () => {
    let s = play(initialState(config), { type: 'started', runId: 2, paused: false });
    s = play(
      s,
      ev({ type: 'phase', runId: 2, phase: 'distill', detail: '', totalSteps: 600 }),
      ev({ type: 'points', runId: 2, points: [1, 2, 3, 4].map((i) => lossPoint(i, 'distill', 2)), speed: null }),
    );
    const r = runToRecord(s, made)!;
    expect(r.end).toEqual({ kind: 'stopped', phase: 'distill', step: 4 });
    expect(r.metrics).toEqual({ 'steps.teacher': 0, 'steps.distill': 4 });
    expect(Object.keys(r.curves).sort()).toEqual([
      'distill.loss.baseline',
      'distill.loss.hard',
      'distill.loss.soft',
      'distill.loss.total',
    ]);
  });

  it('keeps the config the run started with, not settings changed since (they apply to the next run)', () => {
    let s = play(initialState(config), { type: 'started', runId: 2, paused: false });
    s = play(
      s,
      { type: 'config', config: { ...config, task: 'modadd', steps: 5 } },
      ev({ type: 'points', runId: 2, points: [lossPoint(1, 'teacher', 3)], speed: null }),
    );
    // A teacher trained because none shipped fits: the record's URL says how many steps.
    s = play(s, ev({ type: 'notice', runId: 2, message: 'training a teacher', teacherSteps: 300 }));
    const r = runToRecord(s, made)!;
    const back = configFromSearchParams(new URLSearchParams(r.url)).config;
    expect(back.task).toBe('grammar');
    expect(back.steps).toBe(config.steps);
    expect(back.teacherSteps).toBe(300);
    expect(r.end).toEqual({ kind: 'stopped', phase: 'teacher', step: 1 });
  });

  it('makes no record of a run without a step, never started, or ended in an error', () => {
    const idle = initialState(config);
    expect(runToRecord(idle, made)).toBeNull();
    const started = play(idle, { type: 'started', runId: 2, paused: false });
    expect(hasProgress(started.run)).toBe(false);
    expect(runToRecord(started, made)).toBeNull();
    const failed = play(
      started,
      ev({ type: 'points', runId: 2, points: [lossPoint(1, 'teacher', 3)], speed: null }),
      ev({ type: 'phase', runId: 2, phase: 'error', detail: 'out of memory', totalSteps: 0 }),
    );
    expect(hasProgress(failed.run)).toBe(true);
    expect(runEndNow(failed.run)).toBeNull();
  });
});
