// The distillation objective's choices as the training step reads them (issue 13): which soft
// divergence, T² on or off, label smoothing on the hard term, and a sparse teacher. They are entries
// of the settings table (src/settings.ts), stored in Hyper as numbers (a choice is an index into its
// names) so they change live and are marked on the curves like T and α; this file turns them into a
// typed Objective and says which combinations are refused, and why. No tfjs: the page imports it.

import type { Hyper } from './config';
import { SOFT_DIVERGENCES, SPARSE_MODES, type SoftDivergence, type SparseMode } from './lossMath';

export interface Objective {
  divergence: SoftDivergence;
  /** JSD's β (read only when divergence is jsd). */
  jsdBeta: number;
  /** Multiply the soft term by T². */
  scaleByTSquared: boolean;
  /** ε of the distilled student's hard term. */
  labelSmoothing: number;
  sparse: SparseMode;
  /** k of a sparse teacher (read only when sparse is not 'full'). */
  k: number;
}

/** Today's objective, T²·KL(p ‖ q) with plain labels and the full teacher (the settings' defaults). */
export const DEFAULT_OBJECTIVE: Objective = {
  divergence: 'forward-kl',
  jsdBeta: 0.5,
  scaleByTSquared: true,
  labelSmoothing: 0,
  sparse: 'full',
  k: 8,
};

/** The Hyper fields that make the objective (the URL falls back on all of them together). */
export const OBJECTIVE_KEYS = [
  'divergence',
  'jsdBeta',
  'tSquared',
  'labelSmoothing',
  'sparseTeacher',
  'teacherK',
] as const satisfies readonly (keyof Hyper)[];

/** The typed objective of a Hyper (indices checked by validateHyper; out-of-range ones read as the default). */
export function objectiveOf(h: Pick<Hyper, (typeof OBJECTIVE_KEYS)[number]>): Objective {
  return {
    divergence: SOFT_DIVERGENCES[h.divergence] ?? 'forward-kl',
    jsdBeta: h.jsdBeta,
    scaleByTSquared: h.tSquared !== 0,
    labelSmoothing: h.labelSmoothing,
    sparse: SPARSE_MODES[h.sparseTeacher] ?? 'full',
    k: h.teacherK,
  };
}

/**
 * True when the step computes exactly today's objective, T²·KL(p ‖ q) with plain labels and the full
 * teacher: the paths that do not implement the choices (stacked sweeps, the PyTorch export) accept only it.
 */
export function isDefaultObjective(o: Objective): boolean {
  return o.divergence === 'forward-kl' && o.scaleByTSquared && o.labelSmoothing === 0 && o.sparse === 'full';
}

/** The objective in a few words, for refusal messages: "reverse-kl, no T², ε = 0.1, top-8". */
export function describeObjective(o: Objective): string {
  const parts: string[] = [o.divergence === 'jsd' ? `jsd(β = ${o.jsdBeta})` : o.divergence];
  if (!o.scaleByTSquared) parts.push('no T²');
  if (o.labelSmoothing > 0) parts.push(`ε = ${o.labelSmoothing}`);
  if (o.sparse !== 'full') parts.push(`${o.sparse === 'top-k' ? 'top' : 'sampled'}-${o.k}`);
  return parts.join(', ');
}

/**
 * Combinations that are refused, as sentences. A sparse teacher puts probability 0 on most tokens:
 * reverse KL, Σ q·(log q − log p), is then infinite wherever the student does not, and logit MSE
 * compares logits, which a sparse target does not keep. Forward KL, soft CE and JSD stay finite.
 */
export function objectiveProblems(h: Pick<Hyper, (typeof OBJECTIVE_KEYS)[number]>): string[] {
  const o = objectiveOf(h);
  if (o.sparse !== 'full' && (o.divergence === 'reverse-kl' || o.divergence === 'logit-mse')) {
    return [
      `a ${o.sparse} teacher needs forward-kl, soft-ce or jsd (${o.divergence} ${o.divergence === 'reverse-kl' ? 'is infinite where the sparse teacher puts 0' : 'needs the logits, which a sparse teacher does not keep'})`,
    ];
  }
  return [];
}
