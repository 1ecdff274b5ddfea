import { describe, expect, it } from 'vitest';
import { appendBounded, thin } from './series';

describe('series thinning', () => {
  it('leaves short series alone and never mutates its input', () => {
    const rows = [1, 2, 3];
    expect(thin(rows, 10)).toEqual([1, 2, 3]);
    const more = appendBounded(rows, [4], 10);
    expect(more).toEqual([1, 2, 3, 4]);
    expect(rows).toEqual([1, 2, 3]);
    expect(appendBounded(rows, [], 10)).toBe(rows);
  });

  it('thins the older half, keeps the newest half and the first point', () => {
    const rows = Array.from({ length: 12 }, (_, i) => i);
    const out = thin(rows, 10);
    expect(out.length).toBeLessThanOrEqual(10);
    expect(out[0]).toBe(0);
    expect(out.slice(-5)).toEqual([7, 8, 9, 10, 11]);
  });

  it('stays bounded over a long stream', () => {
    let s: number[] = [];
    for (let i = 0; i < 100_000; i += 10)
      s = appendBounded(
        s,
        Array.from({ length: 10 }, (_, j) => i + j),
        1000,
      );
    expect(s.length).toBeLessThanOrEqual(1000);
    expect(s.length).toBeGreaterThan(500);
    expect(s[0]).toBe(0);
    expect(s.at(-1)).toBe(99_999);
  });
});
