// The distillation objective with the live values, as the UI prints it (the terms of src/distill/losses.ts):
//   L = (1 − α)·CE + α·T²·KL(softmax(zt/T) ‖ softmax(zs/T)) + β·feat + γ·att + δ·rel
// with the objective's choices (src/objective.ts) written into the soft and hard terms: the divergence,
// T² or not, a smoothed label y_ε, and a sparse teacher's top-k / sample-k target.

import type { Hyper } from '../config';
import { objectiveOf, type Objective } from '../objective';
import { weightTerms } from '../settings';

const n = (v: number) => String(Number(v.toFixed(3)));

export const FORMULA =
  'L = (1 − α)·CE + α·T²·KL(softmax(zt/T) ‖ softmax(zs/T))' +
  weightTerms()
    .map((w) => ` + ${w.symbol}·${w.term}`)
    .join('');

export interface FormulaTerm {
  /** The weight with its live value, e.g. "0.3" for (1 − α). */
  weight: string;
  /** What it multiplies. */
  term: string;
  /** False when the weight is zero (shown dimmed). */
  active: boolean;
}

/** The soft term's divergence between the teacher's target p and the student's q, as printed. */
function softTermText(o: Objective, t: string): string {
  const q = `softmax(zs/${t})`;
  const full = `softmax(zt/${t})`;
  const p = o.sparse === 'top-k' ? `top${o.k}(${full})` : o.sparse === 'sampled-k' ? `sample${o.k}(${full})` : full;
  switch (o.divergence) {
    case 'forward-kl':
      return `KL(${p} ‖ ${q})`;
    case 'reverse-kl':
      return `KL(${q} ‖ ${p})`;
    case 'jsd':
      return `JSD${n(o.jsdBeta)}(${p} ‖ ${q})`;
    case 'soft-ce':
      return `CE(${p}, ${q})`;
    case 'logit-mse':
      return 'MSE(zs, zt)';
  }
}

export function formulaTerms(h: Hyper): FormulaTerm[] {
  const t = n(h.temperature);
  const o = objectiveOf(h);
  const t2 = o.scaleByTSquared && o.divergence !== 'logit-mse';
  const label = o.labelSmoothing > 0 ? `y(ε=${n(o.labelSmoothing)})` : 'y';
  return [
    { weight: n(1 - h.alpha), term: `CE(${label}, softmax(zs))`, active: h.alpha < 1 },
    {
      weight: t2 ? `${n(h.alpha)}·${n(h.temperature * h.temperature)}` : n(h.alpha),
      term: softTermText(o, t),
      active: h.alpha > 0,
    },
    // β·feat + γ·att + δ·rel: every weight the settings table gives a formula term.
    ...weightTerms().map(({ key, term }) => ({ weight: n(h[key]), term, active: h[key] > 0 })),
  ];
}

/** The whole formula with values, on one line. */
export function formulaText(h: Hyper): string {
  return (
    'L = ' +
    formulaTerms(h)
      .map((f) => `${f.weight}·${f.term}`)
      .join(' + ')
  );
}
