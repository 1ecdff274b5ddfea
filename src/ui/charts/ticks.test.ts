import { describe, expect, it } from 'vitest';
import { niceStep, percentTicks, roundTicks, stepTicks } from './ticks';

describe('round ticks', () => {
  it('steps of 1, 2, 2.5 or 5 × 10ⁿ', () => {
    expect(niceStep(600, 5)).toBe(200);
    expect(niceStep(424, 5)).toBe(100);
    expect(niceStep(0.3, 4)).toBe(0.1);
  });
  it('step axes land on round numbers, not 1, 151, 301', () => {
    expect(stepTicks(1, 600)).toEqual([200, 400, 600]);
    expect(stepTicks(1, 424)).toEqual([100, 200, 300, 400]);
    expect(stepTicks(0, 150)).toEqual([0, 50, 100, 150]);
    expect(stepTicks(0, 3)).toEqual([0, 1, 2, 3]);
  });
  it('percentage axes in whole points', () => {
    expect(percentTicks(-0.047, 0.15, 4)).toEqual([-0.05, 0, 0.05, 0.1, 0.15]);
    expect(roundTicks(0, 1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});
