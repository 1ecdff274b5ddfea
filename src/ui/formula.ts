// The distillation objective with the live values, as the UI prints it (the terms of src/distill/losses.ts):
//   L = (1 − α)·CE + α·T²·KL(softmax(zt/T) ‖ softmax(zs/T)) + β·feat + γ·att + δ·rel

import type { Hyper } from '../config';
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

export function formulaTerms(h: Hyper): FormulaTerm[] {
  const t = n(h.temperature);
  return [
    { weight: n(1 - h.alpha), term: 'CE(y, softmax(zs))', active: h.alpha < 1 },
    {
      weight: `${n(h.alpha)}·${n(h.temperature * h.temperature)}`,
      term: `KL(softmax(zt/${t}) ‖ softmax(zs/${t}))`,
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
