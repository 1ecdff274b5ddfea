import { describe, expect, it } from 'vitest';
import { conventionsFor, TOOLKITS, type ConventionRow, type Toolkit } from './conventions';

// Each toolkit's loss as its source computes it, in plain JS on one batch of logits, so the test
// checks the claim that matters: the settings a row writes, fed to that toolkit's formula, give this
// page's loss times the row's factor.

const softmax = (z: number[], T = 1) => {
  const m = Math.max(...z.map((v) => v / T));
  const e = z.map((v) => Math.exp(v / T - m));
  const s = e.reduce((x, y) => x + y, 0);
  return e.map((v) => v / s);
};
const kl = (p: number[], q: number[]) => p.reduce((acc, pi, i) => acc + (pi > 0 ? pi * Math.log(pi / q[i]) : 0), 0);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const student = [
  [2, 0.5, -1, 0, 1],
  [0, 1, 0, 3, -2],
  [1, 1, 1, 0, 0.5],
];
const teacher = [
  [3, 1, -2, 0.5, 0],
  [-1, 2, 0.5, 1, 0],
  [0, 2, 1, -1, 1],
];
const labels = [0, 3, 1];

const ce = mean(student.map((z, i) => -Math.log(softmax(z)[labels[i]])));
const klAt = (T: number) => mean(student.map((z, i) => kl(softmax(teacher[i], T), softmax(z, T))));

/** This page: (1 − α)·CE + α·T²·KL. */
const ours = (T: number, alpha: number) => (1 - alpha) * ce + alpha * T * T * klAt(T);

type Params = ConventionRow['params'];
const num = (p: Params, k: string) => p[k] as number;

/** Each toolkit's formula, as read from its source (see conventions.ts), on this batch. */
const THEIRS: Partial<Record<Toolkit, (p: Params) => number>> = {
  'this page': (p) => ours(num(p, 'temperature'), num(p, 'alpha')),
  // KDLoss.forward: soft alone (no τ²) when alpha is 0/None; else alpha·hard + beta·τ²·soft.
  torchdistill: (p) => {
    const T = num(p, 'temperature');
    if (num(p, 'alpha') === 0) return klAt(T);
    return num(p, 'alpha') * ce + num(p, 'beta') * T * T * klAt(T);
  },
  // Distiller.compute_loss: alpha·student_loss + (1 − alpha)·KL·T² (clipping does not bite on these logits).
  Keras: (p) => num(p, 'alpha') * ce + (1 - num(p, 'alpha')) * klAt(num(p, 'temperature')) * num(p, 'temperature') ** 2,
  // train_knowledge_distillation: soft_target_loss_weight·KL·T² + ce_loss_weight·CE.
  'PyTorch tutorial': (p) =>
    num(p, 'soft_target_loss_weight') * klAt(num(p, 'T')) * num(p, 'T') ** 2 + num(p, 'ce_loss_weight') * ce,
  // skip_original_loss: the logits KL alone, no T²; without distillation, the LM loss.
  NeMo: (p) => (p.distill === false ? ce : klAt(num(p, 'temperature'))),
  // GKD with beta = 0: forward KL, no T², no label term; without distillation, SFT's CE.
  TRL: (p) => (p.distill === false ? ce : klAt(num(p, 'temperature'))),
};

function check(T: number, alpha: number): void {
  for (const row of conventionsFor(T, alpha)) {
    const theirs = THEIRS[row.toolkit]!;
    const mine = ours(T, alpha);
    switch (row.relation.kind) {
      case 'same':
        expect(theirs(row.params), `${row.toolkit} at T=${T}, α=${alpha}`).toBeCloseTo(mine, 10);
        break;
      case 'scaled':
        expect(theirs(row.params), `${row.toolkit} at T=${T}, α=${alpha}`).toBeCloseTo(mine * row.relation.factor, 10);
        break;
      case 'none':
        expect(row.params, row.toolkit).toEqual({});
        break;
    }
  }
}

describe('the same run in other toolkits', () => {
  it('lists every toolkit once, this page first', () => {
    expect(conventionsFor(4, 0.7).map((r) => r.toolkit)).toEqual([...TOOLKITS]);
  });

  it('each row’s settings give our loss (times its stated factor) in that toolkit’s own formula', () => {
    for (const T of [1, 2, 4, 8]) for (const alpha of [0, 0.3, 0.7, 1]) check(T, alpha);
  });

  it('α flips to 1 − α where the toolkit weights the label term', () => {
    const rows = Object.fromEntries(conventionsFor(4, 0.7).map((r) => [r.toolkit, r]));
    expect(rows.torchdistill.code).toContain('alpha=0.3, beta=0.7');
    expect(rows.Keras.code).toContain('alpha=0.3, temperature=4');
    expect(rows['PyTorch tutorial'].code).toContain('soft_target_loss_weight=0.7, ce_loss_weight=0.3');
  });

  it('says where T² is missing: NeMo and TRL at α = 1 are ours / T²; torchdistill too, only at α = 1', () => {
    const at = (alpha: number) => Object.fromEntries(conventionsFor(4, alpha).map((r) => [r.toolkit, r]));
    expect(at(1).NeMo.relation).toEqual({ kind: 'scaled', factor: 1 / 16 });
    expect(at(1).TRL.relation).toEqual({ kind: 'scaled', factor: 1 / 16 });
    expect(at(1).torchdistill.relation).toEqual({ kind: 'scaled', factor: 1 / 16 });
    expect(at(0.7).torchdistill.relation).toEqual({ kind: 'same' });
    expect(at(0.7).NeMo.relation.kind).toBe('none');
    expect(at(0.7).TRL.relation.kind).toBe('none');
  });

  it('has every note in both languages', () => {
    for (const row of conventionsFor(2, 0.5)) {
      for (const text of [row.weightOn, ...row.notes]) {
        expect(text.en.length).toBeGreaterThan(0);
        expect(text.zh).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });

  it('rejects settings outside the formula’s domain', () => {
    expect(() => conventionsFor(0, 0.5)).toThrow(/T > 0 and α in \[0, 1\]/);
    expect(() => conventionsFor(2, 1.5)).toThrow(/T > 0 and α in \[0, 1\]/);
  });
});
