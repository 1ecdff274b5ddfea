import { describe, expect, it } from 'vitest';
import { pairedGain } from './gain';
import { seedGain } from './seedStats';

/** (M, 2) probabilities that predict `right` where the flag is 1 and the other class elsewhere. */
function probs(labels: number[], right: number[]): Float32Array {
  const out = new Float32Array(labels.length * 2);
  labels.forEach((y, i) => {
    const p = right[i] ? y : 1 - y;
    out[i * 2 + p] = 0.9;
    out[i * 2 + (1 - p)] = 0.1;
  });
  return out;
}

describe('seedGain', () => {
  const labels = Int32Array.from([0, 1, 0, 1, 1, 0]);
  const rowOf = Int32Array.from([0, 1, 2, 3, 4, 5]);
  const l = [...labels];

  it('with one seed is gain.ts paired gain and SE, and has no seed SE', () => {
    const member = probs(l, [1, 1, 1, 0, 1, 1]);
    const baseline = probs(l, [1, 0, 0, 0, 1, 0]);
    const one = seedGain([{ member, baseline }], 2, labels, rowOf);
    const ref = pairedGain(member, baseline, 2, labels, rowOf);
    expect(one.gain).toBeCloseTo(ref.gain, 12);
    expect(one.seRows).toBeCloseTo(ref.se, 12);
    expect(one.se).toBeCloseTo(ref.se, 12);
    expect(one.seSeeds).toBeNull();
    expect(one.perSeed).toEqual([ref.gain]);
  });

  it('averages the per-seed gains and adds the spread between seeds', () => {
    // seed 1: +3/6; seed 2: +1/6
    const s1 = { member: probs(l, [1, 1, 1, 1, 1, 1]), baseline: probs(l, [1, 0, 0, 0, 1, 1]) };
    const s2 = { member: probs(l, [1, 1, 0, 0, 1, 1]), baseline: probs(l, [1, 0, 0, 0, 1, 1]) };
    const g = seedGain([s1, s2], 2, labels, rowOf);
    expect(g.perSeed[0]).toBeCloseTo(0.5, 12);
    expect(g.perSeed[1]).toBeCloseTo(1 / 6, 12);
    expect(g.gain).toBeCloseTo(1 / 3, 12);
    // sd of (1/2, 1/6) = (1/3)/√2; / √2 → 1/6
    expect(g.seSeeds!).toBeCloseTo(1 / 6, 12);
    // rows: seed-mean differences d̄ = (0, 1, 0.5, 0.5, 0, 0), gain 1/3; Σ(d̄ − 1/3)² = 4/9·3/... computed directly
    const d = [0, 1, 0.5, 0.5, 0, 0];
    const ss = d.reduce((a, x) => a + (x - 1 / 3) ** 2, 0);
    expect(g.seRows).toBeCloseTo(Math.sqrt((6 / 5) * ss) / 6, 12);
    expect(g.se).toBeCloseTo(Math.hypot(g.seRows, 1 / 6), 12);
  });
});
