// Paired-seed statistics of a KD gain: for each seed s a distilled student and a baseline that share
// their initialisation and batches, both scored on the same validation rows. The gain is the mean
// over seeds of (student_s − baseline_s) accuracy. Two sources of error, reported apart and together:
//
//   seRows   the validation rows are a sample: per row r, d̄_r = mean over seeds of the row's
//            (right − right) counts; the cluster-robust SE of Σd̄ / Σm, as gain.ts (with one seed it
//            IS gain.ts's paired SE);
//   seSeeds  the seeds are a sample: sd of the per-seed gains / √S (null for S = 1);
//   se       √(seRows² + seSeeds²).
// Plain JS, no tfjs.

import type { GainEstimate } from '../sweepConfig';
import { pairedGain } from './gain';
import { argmaxRows } from './metrics';

export interface SeedPair {
  /** (M, k) probabilities of the member and of the same seed's baseline at the same M positions. */
  member: Float32Array;
  baseline: Float32Array;
}

export function seedGain(pairs: readonly SeedPair[], k: number, labels: Int32Array, rowOf: Int32Array): GainEstimate {
  const S = pairs.length;
  if (!S) throw new Error('seedGain: no seeds');
  const n = labels.length;
  if (n === 0) return { gain: 0, se: 0, seRows: 0, seSeeds: S > 1 ? 0 : null, perSeed: pairs.map(() => 0) };
  const perSeed = pairs.map((p) => pairedGain(p.member, p.baseline, k, labels, rowOf).gain);
  // Per position, the seed-mean of (member right − baseline right); summed per row.
  const x = new Float64Array(n);
  for (const p of pairs) {
    const pm = argmaxRows(p.member, k);
    const pb = argmaxRows(p.baseline, k);
    for (let i = 0; i < n; i++) x[i] += ((pm[i] === labels[i] ? 1 : 0) - (pb[i] === labels[i] ? 1 : 0)) / S;
  }
  const rows = new Map<number, { d: number; m: number }>();
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += x[i];
    const r = rows.get(rowOf[i]);
    if (r) {
      r.d += x[i];
      r.m += 1;
    } else rows.set(rowOf[i], { d: x[i], m: 1 });
  }
  const gain = sum / n;
  const R = rows.size;
  let ss = 0;
  for (const { d, m } of rows.values()) ss += (d - gain * m) ** 2;
  const seRows = R > 1 ? Math.sqrt((R / (R - 1)) * ss) / n : 0;
  let seSeeds: number | null = null;
  if (S > 1) {
    const mean = perSeed.reduce((a, b) => a + b, 0) / S;
    const variance = perSeed.reduce((a, g) => a + (g - mean) ** 2, 0) / (S - 1);
    seSeeds = Math.sqrt(variance / S);
  }
  return { gain, se: Math.sqrt(seRows ** 2 + (seSeeds ?? 0) ** 2), seRows, seSeeds, perSeed };
}
