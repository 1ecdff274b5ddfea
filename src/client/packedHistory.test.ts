// The loss history packed in columns round-trips exactly: phases, steps, settings, losses a point
// lacks (teacher points have no baseline), and non-finite losses of a diverging step.

import { describe, expect, it } from 'vitest';
import type { LossPoint } from '../worker/protocol';
import { packHistory, unpackHistory } from './packedHistory';

const POINTS: LossPoint[] = [
  { phase: 'teacher', step: 1, lr: 1e-4, temperature: 4, alpha: 0.7, values: { total: 2.5 } },
  { phase: 'teacher', step: 2, lr: 2e-4, temperature: 4, alpha: 0.7, values: { total: 2.25 } },
  {
    phase: 'distill',
    step: 1,
    lr: 3e-4,
    temperature: 2,
    alpha: 0.5,
    values: { total: 1.5, soft: 0.25, baseline: 1.75 },
  },
  {
    phase: 'distill',
    step: 2,
    lr: 3e-4,
    temperature: 2,
    alpha: 0.5,
    values: { total: Number.NaN, soft: Number.POSITIVE_INFINITY, baseline: Number.NEGATIVE_INFINITY },
  },
];

describe('packHistory', () => {
  it('round-trips through a structured clone exactly, absent losses and non-finite values included', () => {
    const packed = structuredClone(packHistory(POINTS));
    expect(Object.keys(packed.values).sort()).toEqual(['baseline', 'soft', 'total']);
    const back = unpackHistory(packed);
    expect(back).toEqual({ ok: true, value: POINTS });
    expect(back.ok && Object.keys(back.value[0].values)).toEqual(['total']); // no baseline made up
  });

  it('an empty history packs to empty columns and back', () => {
    expect(unpackHistory(packHistory([]))).toEqual({ ok: true, value: [] });
  });

  it('refuses columns of unequal lengths or unknown losses, in words', () => {
    const packed = packHistory(POINTS);
    const short = {
      ...packed,
      values: { ...packed.values, total: { value: new Float64Array(1), present: new Uint8Array(1) } },
    };
    expect(unpackHistory(short)).toEqual({ ok: false, reason: 'its curves have a "total" column of the wrong length' });
    const alien = { ...packed, values: { ...packed.values, joy: packed.values.total } };
    expect(unpackHistory(alien)).toEqual({ ok: false, reason: 'its curves have an unknown loss "joy"' });
  });
});
