// The soft term's choices and sparse teachers on one position, in plain numbers (no tfjs): what the
// page's loss lab shows for the example in the predictions panel, from the models' own logits. The
// tensor versions the training uses are src/distill/divergences.ts and sparseTeacher.ts; tests check
// that both give the same numbers. Conventions as there: p = softmax(zt / T) the teacher,
// q = softmax(zs / T) the student, natural logarithms, 0·log 0 = 0.

/** The soft term's divergences (src/distill/divergences.ts), in the order of the settings' choice. */
export const SOFT_DIVERGENCES = ['forward-kl', 'reverse-kl', 'jsd', 'soft-ce', 'logit-mse'] as const;
export type SoftDivergence = (typeof SOFT_DIVERGENCES)[number];

export function softmax(z: readonly number[], T = 1): number[] {
  const m = Math.max(...z.map((v) => v / T));
  const e = z.map((v) => Math.exp(v / T - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** KL(a ‖ b) in nats; +∞ where b = 0 < a. */
export function kl(a: readonly number[], b: readonly number[]): number {
  return a.reduce((acc, ai, i) => acc + (ai > 0 ? ai * Math.log(ai / b[i]) : 0), 0);
}

/** −Σ a log b. */
export function crossEntropy(a: readonly number[], b: readonly number[]): number {
  return -a.reduce((acc, ai, i) => acc + (ai > 0 ? ai * Math.log(b[i]) : 0), 0);
}

/** JSD(β) divided by β(1 − β): forward KL at β = 0, reverse KL at β = 1, continuous between. */
export function normalisedJsd(p: readonly number[], q: readonly number[], beta: number): number {
  if (beta <= 0) return kl(p, q);
  if (beta >= 1) return kl(q, p);
  const m = p.map((pi, i) => beta * pi + (1 - beta) * q[i]);
  return (beta * kl(p, m) + (1 - beta) * kl(q, m)) / (beta * (1 - beta));
}

export interface SoftValues {
  forwardKl: number;
  reverseKl: number;
  jsd: number;
  softCe: number;
  logitMse: number;
}

/** Every soft divergence of divergences.ts at one position, without T² (logit MSE ignores T). */
export function softValues(
  teacherLogits: readonly number[],
  studentLogits: readonly number[],
  T: number,
  jsdBeta: number,
): SoftValues {
  const p = softmax(teacherLogits, T);
  const q = softmax(studentLogits, T);
  return {
    forwardKl: kl(p, q),
    reverseKl: kl(q, p),
    jsd: normalisedJsd(p, q, jsdBeta),
    softCe: crossEntropy(p, q),
    logitMse: studentLogits.reduce((a, v, i) => a + (v - teacherLogits[i]) ** 2, 0) / studentLogits.length,
  };
}

export const SPARSE_MODES = ['full', 'top-k', 'sampled-k'] as const;
export type SparseMode = (typeof SPARSE_MODES)[number];

/**
 * Bytes stored per scored position: full = V float32; top-k = k float32 values + k indices; sampled-k
 * = k indices (the counts follow from repeats). Indices take 2 bytes while V ≤ 65,536, else 4.
 */
export function bytesPerPosition(mode: SparseMode, vocab: number, k: number): number {
  const index = vocab <= 65_536 ? 2 : 4;
  switch (mode) {
    case 'full':
      return 4 * vocab;
    case 'top-k':
      return k * (4 + index);
    case 'sampled-k':
      return k * index;
  }
}

export interface TopKBias {
  /** Probability the teacher puts outside its top k: what renormalisation moves onto the head. */
  tailMass: number;
  /** The renormalised top-k target. */
  target: number[];
  /** KL(target ‖ p) = −log(1 − tail mass); KL(p ‖ target) is +∞ whenever the tail mass is > 0. */
  klTargetToTeacher: number;
  /** Confidence inflation: max of the target − max of p (≥ 0). */
  confidenceGain: number;
}

/** The bias of a top-k target for one distribution p. */
export function topKBias(p: readonly number[], k: number): TopKBias {
  if (!Number.isInteger(k) || k < 1 || k > p.length)
    throw new Error(`top-k needs an integer k in [1, ${p.length}] (got ${k})`);
  const order = p.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const keep = new Set(order.slice(0, k).map(([, i]) => i));
  const head = order.slice(0, k).reduce((s, [v]) => s + v, 0);
  const target = p.map((v, i) => (keep.has(i) ? v / head : 0));
  return {
    tailMass: 1 - head,
    target,
    klTargetToTeacher: -Math.log(head),
    confidenceGain: Math.max(...target) - Math.max(...p),
  };
}
