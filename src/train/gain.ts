// The KD gain with its uncertainty: the distilled student's accuracy minus the baseline's, both
// scored on the same validation rows, so the difference is paired. Per row r, d_r is the number of
// the row's scored positions the student got right minus the number the baseline got right, and m_r
// the row's positions (1 for classification). The gain is Σd / Σm and its standard error the
// cluster-robust (by row) one of that ratio:
//
//   SE² = R / (R − 1) · Σ_r (d_r − gain · m_r)² / (Σ_r m_r)²
//
// which for one position per row is the textbook paired SE, sd(d) / √R. Positions within a row are
// not independent (generation scores every token of a sequence), which is why rows are the unit.
// Plain JS, no tfjs.

import type { PairedGain } from '../report';
import { argmaxRows } from './metrics';

/**
 * Paired gain from the two models' probabilities (M, K) at the same M scored positions, the true
 * outcomes, and the row of each position.
 */
export function pairedGain(
  student: Float32Array,
  baseline: Float32Array,
  k: number,
  labels: Int32Array,
  rowOf: Int32Array,
): PairedGain {
  const ps = argmaxRows(student, k);
  const pb = argmaxRows(baseline, k);
  const d = new Map<number, { d: number; m: number }>();
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const x = (ps[i] === labels[i] ? 1 : 0) - (pb[i] === labels[i] ? 1 : 0);
    sum += x;
    const r = d.get(rowOf[i]);
    if (r) {
      r.d += x;
      r.m += 1;
    } else d.set(rowOf[i], { d: x, m: 1 });
  }
  const n = labels.length;
  const R = d.size;
  if (n === 0) return { gain: 0, se: 0, n: 0, rows: 0 };
  const gain = sum / n;
  let ss = 0;
  for (const { d: dr, m } of d.values()) ss += (dr - gain * m) ** 2;
  const se = R > 1 ? Math.sqrt((R / (R - 1)) * ss) / n : 0;
  return { gain, se, n, rows: R };
}

/** How sure a gain is: 'helps' or 'hurts' beyond two standard errors, else 'noise'. */
export type GainVerdict = 'helps' | 'hurts' | 'noise';

export function gainVerdict(g: Pick<PairedGain, 'gain' | 'se'>): GainVerdict {
  if (g.se === 0) return g.gain > 0 ? 'helps' : g.gain < 0 ? 'hurts' : 'noise';
  if (g.gain > 2 * g.se) return 'helps';
  if (g.gain < -2 * g.se) return 'hurts';
  return 'noise';
}

/** The split row of each scored position of an index (the unit of the paired SE). */
export function scoredRowOf(
  index: { chunks: readonly { start: number; flat: Int32Array }[] },
  seqLen: number,
): Int32Array {
  const out: number[] = [];
  for (const c of index.chunks) for (const f of c.flat) out.push(c.start + Math.floor(f / seqLen));
  return Int32Array.from(out);
}
