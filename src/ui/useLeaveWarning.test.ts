import { describe, expect, it } from 'vitest';
import { emptyRun, type RunView } from '../client/state';
import { runAtRisk } from './useLeaveWarning';

const at = (over: Partial<RunView>): RunView => ({ ...emptyRun(1, true), ...over });

describe('leaving the page warns only when a run with progress would be lost', () => {
  it('warns while distilling or paused after a step', () => {
    expect(runAtRisk(at({ phase: 'distill', distillStep: 5 }))).toBe(true);
    expect(runAtRisk(at({ phase: 'distill', distillStep: 5, paused: true }))).toBe(true);
    expect(runAtRisk(at({ phase: 'teacher', teacherStep: 3 }))).toBe(true);
  });

  it('lets the page go before the first step, after the run is done, and when nothing was started', () => {
    expect(runAtRisk(at({ phase: 'loading' }))).toBe(false);
    expect(runAtRisk(at({ phase: 'done', distillStep: 600 }))).toBe(false);
    expect(runAtRisk(emptyRun(2))).toBe(false);
  });
});
