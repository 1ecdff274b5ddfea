import { describe, expect, it } from 'vitest';
import { comparePair, layerMap } from './attention';

// 2 tokens: maps are 4 numbers.
const teacher = [
  [
    [1, 0, 0.5, 0.5],
    [1, 0, 0.1, 0.9],
  ],
  [
    [1, 0, 0.2, 0.8],
    [1, 0, 0.4, 0.6],
  ],
];

describe('attention maps for display', () => {
  it('picks a head or averages over heads', () => {
    expect(layerMap(teacher, 0, 1)).toEqual([1, 0, 0.1, 0.9]);
    const avg = layerMap(teacher, 1, 'avg');
    [1, 0, 0.3, 0.7].forEach((v, i) => expect(avg[i]).toBeCloseTo(v, 12));
  });

  it('compares a student layer with its mapped teacher layer, head by head when counts match', () => {
    const student = [
      [
        [1, 0, 0.5, 0.5],
        [1, 0, 0.5, 0.5],
      ],
    ];
    const pair = comparePair(teacher, student, 0, [1], 1);
    expect(pair.teacherLayer).toBe(1);
    expect(pair.head).toBe(1);
    expect(pair.diff.map((d) => Number(d.toFixed(6)))).toEqual([0, 0, 0.1, -0.1]);
  });

  it('averages over heads when the head counts differ', () => {
    const student = [[[1, 0, 0.3, 0.7]]]; // one head
    const pair = comparePair(teacher, student, 0, [1], 0);
    expect(pair.head).toBe('avg');
    pair.diff.forEach((d) => expect(d).toBeCloseTo(0, 12));
  });
});
