import { describe, expect, it } from 'vitest';
import { accuracy, classReport, computeMetrics, confusionMatrix, meanKl, reliability, softmaxRows } from './metrics';

describe('metrics', () => {
  const probs = Float32Array.from([0.72, 0.18, 0.1, 0.1, 0.83, 0.07, 0.64, 0.26, 0.1, 0.19, 0.19, 0.62]);
  const labels = Int32Array.from([0, 1, 1, 2]);

  it('accuracy, confusion matrix and per-class precision / recall / macro-F1 match a hand count', () => {
    const pred = Int32Array.from([0, 1, 0, 2]);
    expect(accuracy(pred, labels)).toBe(0.75);
    const c = confusionMatrix(pred, labels, 3);
    expect(c).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]);
    const r = classReport(c);
    expect(r.precision).toEqual([0.5, 1, 1]);
    expect(r.recall).toEqual([1, 0.5, 1]);
    // F1: 2/3, 2/3, 1 → mean 7/9
    expect(r.macroF1).toBeCloseTo(7 / 9, 10);
  });

  it('expected calibration error: bins by confidence, weights |confidence − accuracy| by bin size', () => {
    const { ece, bins } = reliability(probs, 3, labels);
    // confidences 0.72 (right), 0.83 (right), 0.64 (wrong), 0.62 (right) → bins 6: {0.64, 0.62}, 7: {0.72}, 8: {0.83}
    expect(bins[6].count).toBe(2);
    expect(bins[6].accuracy).toBe(0.5);
    const expected = (2 / 4) * Math.abs(0.63 - 0.5) + (1 / 4) * Math.abs(0.72 - 1) + (1 / 4) * Math.abs(0.83 - 1);
    expect(ece).toBeCloseTo(expected, 6);
  });

  it('KL is zero against itself and positive otherwise; agreement with itself is 1', () => {
    expect(meanKl(probs, probs, 3)).toBeCloseTo(0, 10);
    const uniform = new Float32Array(12).fill(1 / 3);
    expect(meanKl(probs, uniform, 3)).toBeGreaterThan(0);
    const m = computeMetrics({ probs, k: 3, labels }, { classification: true, teacher: probs });
    expect(m.agreement).toBe(1);
    expect(m.klToTeacher).toBeCloseTo(0, 10);
    expect(m.nll).toBeCloseTo(-(Math.log(0.72) + Math.log(0.83) + Math.log(0.26) + Math.log(0.62)) / 4, 5);
  });

  it('softmaxRows re-softens logits at a temperature', () => {
    const p = softmaxRows([0, Math.log(3)], 2, 1);
    expect(p[0]).toBeCloseTo(0.25, 6);
    const hot = softmaxRows([0, Math.log(3)], 2, 1e6);
    expect(hot[0]).toBeCloseTo(0.5, 4);
  });
});
