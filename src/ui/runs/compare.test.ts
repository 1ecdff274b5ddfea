import { describe, expect, it } from 'vitest';
import type { RecordBase } from '../../client/runRecord';
import { curveChoices, defaultCurve, metricRows, overlayRows } from './compare';

function rec(id: string, metrics: Record<string, number>, curves: RecordBase['curves'] = {}): RecordBase {
  return { id, createdAt: 0, title: id, url: '?', metrics, curves };
}

describe('comparing records', () => {
  it('overlays a curve of several runs on the union of their steps, leaving gaps where a run has no point', () => {
    const a = rec(
      'a',
      {},
      {
        acc: {
          scale: 'percent',
          points: [
            { step: 0, value: 0.2 },
            { step: 50, value: 0.4 },
          ],
        },
      },
    );
    const b = rec(
      'b',
      {},
      {
        acc: {
          scale: 'percent',
          points: [
            { step: 25, value: 0.3 },
            { step: 50, value: 0.5 },
          ],
        },
      },
    );
    const c = rec('c', {}); // no such curve
    expect(overlayRows([a, b, c], 'acc')).toEqual([
      { step: 0, r0: 0.2 },
      { step: 25, r1: 0.3 },
      { step: 50, r0: 0.4, r1: 0.5 },
    ]);
  });

  it('offers the curves on a scale that any selected run has, preferring the named default', () => {
    const a = rec(
      'a',
      {},
      {
        'distill.loss.total': { scale: 'nats', points: [] },
        'distill.val_accuracy.student': { scale: 'percent', points: [] },
      },
    );
    const b = rec('b', {}, { 'teacher.loss.total': { scale: 'nats', points: [] } });
    const nats = curveChoices([a, b], 'nats');
    expect(nats).toEqual(['distill.loss.total', 'teacher.loss.total']);
    expect(defaultCurve(nats, ['distill.loss.total'])).toBe('distill.loss.total');
    expect(defaultCurve(nats, ['nope'])).toBe('distill.loss.total');
    expect(defaultCurve(curveChoices([b], 'points'), ['x'])).toBeNull();
  });

  it('puts every metric side by side with its difference from the first selected run', () => {
    const first = rec('a', { 'test.student.accuracy': 0.55, 'test.gain': 0.19, 'steps.distill': 600, custom: 3 });
    const second = rec('b', { 'test.student.accuracy': 0.6, 'steps.distill': 400, 'val.student.accuracy': 0.5 });
    const rows = metricRows([first, second]);
    expect(rows.map((r) => r.name)).toEqual([
      'test.student.accuracy',
      'test.gain',
      'val.student.accuracy',
      'steps.distill',
      'custom',
    ]);
    const acc = rows[0];
    expect(acc.values).toEqual([0.55, 0.6]);
    expect(acc.deltas[0]).toBeUndefined();
    expect(acc.deltas[1]).toBeCloseTo(0.05, 12);
    // Missing on either side: no delta rather than a made-up one.
    expect(rows.find((r) => r.name === 'test.gain')!.deltas).toEqual([undefined, undefined]);
    expect(rows.find((r) => r.name === 'val.student.accuracy')!.values).toEqual([undefined, 0.5]);
    expect(rows.find((r) => r.name === 'steps.distill')!.deltas).toEqual([undefined, -200]);
    expect(rows.find((r) => r.name === 'custom')!.id).toBeNull();
  });
});
