// Post-hoc temperature scaling against analytic optima.

import { describe, expect, it } from 'vitest';
import { fitTemperature, meanNll } from './temperatureScaling';

describe('fitTemperature (control: temperature scaling of the baseline after training)', () => {
  it('two classes, logits [a, 0], class 0 right on a fraction p of rows: T* = a / logit(p)', () => {
    // σ(a / T) = p at the optimum. a = 2, p = 0.75: T* = 2 / ln 3 = 1.82048
    const logits: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 8; i++) {
      logits.push(2, 0);
      labels.push(i < 6 ? 0 : 1);
    }
    const fit = fitTemperature(logits, labels);
    expect(fit.temperature).toBeCloseTo(2 / Math.log(3), 4);
    // NLL at the optimum is the entropy of Bernoulli(0.75): 0.56234 nats
    expect(fit.nllAfter).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 6);
    // at T = 1: −(0.75 log σ(2) + 0.25 log σ(−2)) = 0.75 · 0.12693 + 0.25 · 2.12693 = 0.62693
    expect(fit.nllBefore).toBeCloseTo(0.62693, 5);
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore);
  });

  it('an overconfident model is softened (T > 1), an underconfident one sharpened (T < 1); argmax never changes', () => {
    const rows = (scale: number) => {
      const logits: number[] = [];
      const labels: number[] = [];
      for (let i = 0; i < 30; i++) {
        const y = i % 3;
        const wrong = i % 5 === 0; // 20 % wrong
        const top = wrong ? (y + 1) % 3 : y;
        for (let c = 0; c < 3; c++) logits.push(c === top ? scale : 0);
        labels.push(y);
      }
      return { logits, labels };
    };
    const over = rows(8);
    const under = rows(0.5);
    expect(fitTemperature(over.logits, over.labels).temperature).toBeGreaterThan(1);
    expect(fitTemperature(under.logits, under.labels).temperature).toBeLessThan(1);
  });

  it('all right with a margin: the optimum is the smallest T searched; refuses bad input', () => {
    const fit = fitTemperature([3, 0, 2, 0], [0, 0], { min: 0.1, max: 10 });
    expect(fit.temperature).toBeCloseTo(0.1, 6);
    expect(meanNll([1, 2, 3], [2], 1)).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3, 10);
    expect(() => meanNll([1, 2], [2], 1)).toThrow(/outside 0…1/);
    expect(() => meanNll([1, 2], [0], 0)).toThrow(/temperature/);
  });
});
