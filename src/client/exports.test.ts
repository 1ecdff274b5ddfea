import { describe, expect, it } from 'vitest';
import { curvesCsv, metricsCsv } from './exports';

describe('CSV exports', () => {
  it('writes one row per step with every loss column', () => {
    const csv = curvesCsv([
      { phase: 'teacher', step: 1, lr: 0.001, temperature: 4, alpha: 0.7, values: { total: 2.5 } },
      {
        phase: 'distill',
        step: 1,
        lr: 0.002,
        temperature: 2,
        alpha: 0.5,
        values: { total: 1, hard: 2, soft: 0.5, feature: 0, attention: 0, relation: 0, baseline: 2.2 },
      },
    ]);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('phase,step,lr,temperature,alpha,total,hard,soft,feature,attention,relation,baseline');
    expect(lines[1]).toBe('teacher,1,0.001,4,0.7,2.5,,,,,,');
    expect(lines[2]).toBe('distill,1,0.002,2,0.5,1,2,0.5,0,0,0,2.2');
  });

  it('writes one row per model and evaluation', () => {
    const m = (accuracy: number) => ({ accuracy, nll: 1, perplexity: 2.7, ece: 0.1, reliability: [], macroF1: 0.5 });
    const csv = metricsCsv([
      { phase: 'distill', step: 10, split: 'val', teacher: m(0.9), student: { ...m(0.7), agreement: 0.8 } },
    ]);
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('distill,val,10,student,0.7,0.5,1,2.7,0.1,0.8,,');
  });
});
