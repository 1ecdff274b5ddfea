import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { LossPoint, WorkerEvent } from '../worker/protocol';
import { CHART_POINTS, initialState, reducer, runStatus, stepCounter, type Action, type AppState } from './state';

const point = (step: number, phase: 'teacher' | 'distill' = 'distill'): LossPoint => ({
  phase,
  step,
  lr: 1e-3,
  temperature: 4,
  alpha: 0.7,
  values:
    phase === 'distill'
      ? { total: 1, hard: 2, soft: 0.5, feature: 0, attention: 0, relation: 0, baseline: 2.1 }
      : { total: 3 },
});

const ev = (event: WorkerEvent): Action => ({ type: 'event', event });
const run = (s: AppState, ...actions: Action[]) => actions.reduce(reducer, s);

describe('client reducer', () => {
  it('drops events from a run that was reset (stale runId)', () => {
    let s = run(initialState(DEFAULT_CONFIG), { type: 'started', runId: 2, paused: false });
    s = run(s, ev({ type: 'points', runId: 2, points: [point(1), point(2)], speed: null }));
    expect(stepCounter(s.run)).toEqual({ phase: 'distill', step: 2, total: 0 });
    s = run(s, { type: 'reset', runId: 3 });
    expect(stepCounter(s.run)).toEqual({ phase: null, step: 0, total: 0 });
    const before = s;
    // Late events of run 2 arrive after the reset: nothing changes (same object: no re-render).
    s = run(
      s,
      ev({ type: 'points', runId: 2, points: [point(3)], speed: null }),
      ev({ type: 'phase', runId: 2, phase: 'done', detail: '', totalSteps: 0 }),
      ev({ type: 'error', runId: 2, message: 'late' }),
      ev({ type: 'eval', runId: 2, report: { phase: 'distill', step: 3, split: 'val' } }),
    );
    expect(s).toBe(before);
    expect(s.run.phase).toBe('idle');
    expect(runStatus(s.run)).toBe('idle');
  });

  it('has one step counter: the step within the phase and its total, as the progress bar and the curves', () => {
    let s = run(initialState(DEFAULT_CONFIG), { type: 'started', runId: 2, paused: false });
    expect(stepCounter(s.run)).toEqual({ phase: null, step: 0, total: 0 });
    s = run(s, ev({ type: 'phase', runId: 2, phase: 'teacher', detail: '', totalSteps: 100 }));
    expect(stepCounter(s.run)).toEqual({ phase: 'teacher', step: 0, total: 100 });
    s = run(s, ev({ type: 'points', runId: 2, points: [point(1, 'teacher'), point(2, 'teacher')], speed: null }));
    expect(stepCounter(s.run)).toEqual({ phase: 'teacher', step: 2, total: 100 });
    // Caching the teacher's outputs: the teacher's count stays (the bar has no step then).
    s = run(s, ev({ type: 'phase', runId: 2, phase: 'caching', detail: '', totalSteps: 0 }));
    expect(stepCounter(s.run)).toEqual({ phase: 'teacher', step: 2, total: 100 });
    s = run(s, ev({ type: 'phase', runId: 2, phase: 'distill', detail: '', totalSteps: 300 }));
    expect(stepCounter(s.run)).toEqual({ phase: 'distill', step: 0, total: 300 });
    s = run(s, ev({ type: 'points', runId: 2, points: [point(1), point(2), point(3)], speed: null }));
    expect(stepCounter(s.run)).toEqual({ phase: 'distill', step: 3, total: 300 });
    expect(s.run.totalSteps).toBe(300); // the progress bar's max: the same phase, the same total
    // Testing and done keep the distillation count (no phase total of their own).
    s = run(
      s,
      ev({ type: 'phase', runId: 2, phase: 'testing', detail: '', totalSteps: 0 }),
      ev({ type: 'phase', runId: 2, phase: 'done', detail: '', totalSteps: 0 }),
    );
    expect(stepCounter(s.run)).toEqual({ phase: 'distill', step: 3, total: 300 });
    expect(s.run.teacherLoss).toHaveLength(2);
    expect(s.run.distillLoss.map((r) => r.step)).toEqual([1, 2, 3]);
  });

  it('tracks caching progress and clears it when the next phase begins', () => {
    let s = run(initialState(DEFAULT_CONFIG), { type: 'started', runId: 2, paused: false });
    s = run(s, ev({ type: 'phase', runId: 2, phase: 'caching', detail: '', totalSteps: 0 }));
    expect(s.run.cache).toBeNull();
    s = run(
      s,
      ev({ type: 'cacheProgress', runId: 2, done: 128, total: 300 }),
      ev({ type: 'cacheProgress', runId: 2, done: 256, total: 300 }),
    );
    expect(s.run.cache).toEqual({ done: 256, total: 300 });
    s = run(s, ev({ type: 'phase', runId: 2, phase: 'distill', detail: '', totalSteps: 10 }));
    expect(s.run.cache).toBeNull();
  });

  it('keeps chart series bounded however long the run', () => {
    let s = run(initialState(DEFAULT_CONFIG), { type: 'started', runId: 2, paused: false });
    for (let b = 0; b < 60; b++) {
      const points = Array.from({ length: 50 }, (_, i) => point(b * 50 + i + 1));
      s = run(s, ev({ type: 'points', runId: 2, points, speed: null }));
    }
    expect(stepCounter(s.run).step).toBe(3000);
    expect(s.run.distillLoss.length).toBeLessThanOrEqual(CHART_POINTS);
    expect(s.run.distillLoss[0].step).toBe(1); // the start stays
    expect(s.run.distillLoss.at(-1)!.step).toBe(3000); // the newest is always there
    const steps = s.run.distillLoss.map((r) => r.step);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(s.run.history.length).toBe(3000); // the export history keeps every step up to its cap
  });

  it('turns evaluations into accuracy rows with the KD gain, and hyper changes into markers', () => {
    let s = run(initialState(DEFAULT_CONFIG), { type: 'started', runId: 1 + 1, paused: false });
    const m = (accuracy: number) => ({ accuracy, nll: 1, perplexity: 2.7, ece: 0.1, reliability: [] });
    s = run(
      s,
      ev({
        type: 'eval',
        runId: 2,
        report: { phase: 'distill', step: 10, split: 'val', teacher: m(0.9), student: m(0.7), baseline: m(0.6) },
      }),
    );
    expect(s.run.distillAccuracy).toEqual([
      { step: 10, teacher: 0.9, student: 0.7, baseline: 0.6, gain: expect.closeTo(0.1, 10) },
    ]);
    s = run(
      s,
      ev({
        type: 'eval',
        runId: 2,
        report: { phase: 'distill', step: 20, split: 'test', teacher: m(0.9), student: m(0.8), baseline: m(0.6) },
      }),
    );
    expect(s.run.test?.split).toBe('test');
    expect(s.run.distillAccuracy).toHaveLength(1); // test reports are not validation points

    s = run(
      s,
      ev({ type: 'hyperApplied', runId: 2, phase: 'distill', step: 12, changes: { temperature: { from: 4, to: 2 } } }),
    );
    s = run(
      s,
      ev({
        type: 'hyperApplied',
        runId: 2,
        phase: 'distill',
        step: 12,
        changes: { temperature: { from: 4, to: 2 }, alpha: { from: 0.7, to: 0.5 } },
      }),
    );
    expect(s.run.markers).toEqual([{ phase: 'distill', step: 12, label: 'T=2 α=0.5' }]);
  });

  it('adopts the shipped teacher size unless the teacher was chosen', () => {
    const shipped: WorkerEvent = {
      type: 'shippedTeacher',
      info: { task: 'sentiment', available: true, size: '3x4x64' },
    };
    const free = run(initialState({ ...DEFAULT_CONFIG, teacherSteps: 0 }), ev(shipped));
    expect(free.config.teacher).toBe('3x4x64');
    const pinned = run(initialState({ ...DEFAULT_CONFIG, teacher: 'tiny', teacherSteps: 0 }, [], true), ev(shipped));
    expect(pinned.config.teacher).toBe('tiny');
    // An answer about another task is ignored.
    const other = run(initialState({ ...DEFAULT_CONFIG, task: 'grammar' }), ev(shipped));
    expect(other.shipped).toBeNull();
  });

  it('records the teacher steps of an automatic teacher so the link reproduces the run', () => {
    let s = run(initialState({ ...DEFAULT_CONFIG, teacherSteps: 0 }), { type: 'started', runId: 2, paused: false });
    s = run(
      s,
      ev({
        type: 'notice',
        runId: 2,
        message: 'no shipped teacher for this task/size; train one first',
        teacherSteps: 300,
      }),
    );
    expect(s.config.teacherSteps).toBe(300);
    expect(s.run.notice).toMatch(/train one first/);
  });

  it('keeps upload errors and clears them on the next upload', () => {
    let s = run(initialState(DEFAULT_CONFIG), { type: 'uploading', name: 'bad.csv' });
    expect(s.upload.busy).toBe(true);
    s = run(s, ev({ type: 'uploadError', name: 'bad.csv', message: 'line 3: too many fields' }));
    expect(s.upload).toMatchObject({ busy: false, error: 'line 3: too many fields' });
    s = run(s, { type: 'uploading', name: 'good.csv' });
    expect(s.upload.error).toBeNull();
  });
});
