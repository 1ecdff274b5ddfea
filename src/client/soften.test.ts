import { describe, expect, it } from 'vitest';
import { entropy, outcomesToShow, soften } from './soften';

describe('re-softening logits on the client', () => {
  it('is a softmax at T = 1 and flattens as T grows', () => {
    const z = [2, 1, 0];
    const p1 = soften(z, 1);
    const e = z.map(Math.exp);
    const sum = e.reduce((a, b) => a + b);
    p1.forEach((p, i) => expect(p).toBeCloseTo(e[i] / sum, 12));
    const p4 = soften(z, 4);
    expect(p4.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(entropy(p4)).toBeGreaterThan(entropy(p1));
    expect(p4[0]).toBeLessThan(p1[0]);
    // Low T sharpens towards the argmax.
    expect(soften(z, 0.5)[0]).toBeGreaterThan(p1[0]);
  });

  it('is stable for large logits', () => {
    const p = soften([1000, 999, -1000], 1);
    expect(p.every(Number.isFinite)).toBe(true);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 10);
  });

  it('shows all classes when few, else the most likely outcomes in label order', () => {
    expect(outcomesToShow([[0.2, 0.8]], 2, 10)).toEqual([0, 1]);
    const p = Array.from({ length: 30 }, (_, i) => (i === 7 ? 0.5 : i === 3 ? 0.3 : 0.2 / 28));
    const q = Array.from({ length: 30 }, (_, i) => (i === 20 ? 0.9 : 0.1 / 29));
    expect(outcomesToShow([p, q], 30, 3)).toEqual([3, 7, 20]);
  });
});
