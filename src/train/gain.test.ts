import { describe, expect, it } from 'vitest';
import { gainVerdict, pairedGain } from './gain';

/** One-hot probabilities (M, K) for predictions `pred`. */
const probs = (pred: number[], k: number) => {
  const p = new Float32Array(pred.length * k);
  pred.forEach((c, i) => (p[i * k + c] = 1));
  return p;
};

describe('pairedGain', () => {
  it('one position per row: the paired SE is sd(d)/√n, computed by hand', () => {
    // labels all 0; student right on rows 0–5, baseline on rows 0–2 and 6: d = [0,0,0,1,1,1,−1,0]
    const labels = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0]);
    const s = probs([0, 0, 0, 0, 0, 0, 1, 1], 2);
    const b = probs([0, 0, 0, 1, 1, 1, 0, 1], 2);
    const g = pairedGain(s, b, 2, labels, Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
    const d = [0, 0, 0, 1, 1, 1, -1, 0];
    const mean = d.reduce((a, x) => a + x, 0) / 8;
    const sd = Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0) / 7);
    expect(g.gain).toBeCloseTo(0.25, 12);
    expect(g.se).toBeCloseTo(sd / Math.sqrt(8), 12);
    expect(g).toMatchObject({ n: 8, rows: 8 });
  });

  it('identical models: gain 0 with SE 0; positions of one row count as one unit', () => {
    const labels = Int32Array.from([1, 0, 1, 1]);
    const s = probs([1, 1, 1, 0], 2);
    expect(pairedGain(s, s, 2, labels, Int32Array.from([0, 1, 2, 3]))).toEqual({ gain: 0, se: 0, n: 4, rows: 4 });
    // Two rows of two positions: d_r = [2, 0], m_r = [2, 2]: gain 0.5, SE² = 2/1 · ((2 − 1)² + (0 − 1)²) / 16 = 1/4
    const g = pairedGain(probs([1, 0, 0, 1], 2), probs([0, 1, 0, 1], 2), 2, labels, Int32Array.from([0, 0, 1, 1]));
    expect(g.gain).toBeCloseTo(0.5, 12);
    expect(g.se).toBeCloseTo(0.5, 12);
    expect(g.rows).toBe(2);
  });

  it('calls a gain beyond two standard errors, either way, and the rest noise', () => {
    expect(gainVerdict({ gain: 0.05, se: 0.02 })).toBe('helps');
    expect(gainVerdict({ gain: 0.03, se: 0.02 })).toBe('noise');
    expect(gainVerdict({ gain: -0.05, se: 0.02 })).toBe('hurts');
  });
});
