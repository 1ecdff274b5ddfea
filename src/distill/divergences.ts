// The choices of the logit terms (issue 13, the loss lab): which divergence between the teacher's and
// the student's softened distributions the soft term measures, whether it is scaled by T², and label
// smoothing on the hard term. Public toolkits disagree on each of these; the playground runs each one
// exactly so a visitor can see what the choice does.
//
// Notation per scored position: p = softmax(zt / T) the teacher, q = softmax(zs / T) the student.
//
//   forward KL   KL(p ‖ q) = Σ p (log p − log q)          mass-covering (Hinton et al. 2015; today's default)
//   reverse KL   KL(q ‖ p) = Σ q (log q − log p)          mode-seeking (MiniLLM, on-policy distillation)
//   JSD(β)       [β·KL(p ‖ m) + (1 − β)·KL(q ‖ m)] / (β(1 − β)),   m = β·p + (1 − β)·q
//   soft CE      −Σ p log q = KL(p ‖ q) + H(p)              same gradient as forward KL, offset by H(p)
//   logit MSE    mean_v (zs − zt)²                          logit matching (Ba & Caruana 2014); T does not enter
//
// JSD(β) is the generalized Jensen–Shannon divergence of GKD (Agarwal et al. 2024) divided by β(1 − β).
// Undivided it tends to 0 at both ends (m → q as β → 0, m → p as β → 1), which is why toolkits that
// special-case the endpoints as "forward KL" and "reverse KL" jump there. Divided, it is continuous on
// [0, 1]: as β → 0 it tends to KL(p ‖ q) (the first term is β·KL(p ‖ q) + O(β²), the second O(β²)),
// as β → 1 to KL(q ‖ p), and at β = ½ it is 4·JS(p, q). At exactly 0 and 1 the limits are used. m is
// mixed in probability space (not by mixing logits), as a log-sum-exp of log-probabilities for
// stability.
//
// All functions take (N, V) logits and return per-position values (N) or masked means; call them
// inside tf.tidy or a gradient closure.

import * as tf from '@tensorflow/tfjs';
import { oneHotFloat } from '../model/oneHot';
import { finiteLog, maskedMean } from './losses';

import { SOFT_DIVERGENCES, type SoftDivergence } from '../lossMath';

// The names live in lossMath.ts (no tfjs) so the settings table and the page can list them.
export { SOFT_DIVERGENCES, type SoftDivergence };

export interface SoftTermSpec {
  divergence: SoftDivergence;
  /** JSD's weight on the teacher in the mixture m, in [0, 1]: 0 → forward KL, 1 → reverse KL. */
  jsdBeta: number;
  /** Multiply the soft term by T² (Hinton et al.): its gradient then keeps its scale as T grows. */
  scaleByTSquared: boolean;
}

/** Today's soft term: T²·KL(p ‖ q). */
export const DEFAULT_SOFT_TERM: SoftTermSpec = { divergence: 'forward-kl', jsdBeta: 0.5, scaleByTSquared: true };

/** The problems with a spec, in words (empty when valid). */
export function softTermProblems(spec: SoftTermSpec): string[] {
  const problems: string[] = [];
  if (!SOFT_DIVERGENCES.includes(spec.divergence)) {
    problems.push(`soft divergence must be one of ${SOFT_DIVERGENCES.join(', ')} (got '${String(spec.divergence)}')`);
  }
  if (!Number.isFinite(spec.jsdBeta) || spec.jsdBeta < 0 || spec.jsdBeta > 1) {
    problems.push(`JSD β must be a number in [0, 1] (got ${spec.jsdBeta})`);
  }
  return problems;
}

/** Σ_v exp(logA) · (logA − logB), per row: KL(a ‖ b) from log-probabilities (N, V) → (N). */
function klFromLogs(logA: tf.Tensor2D, logB: tf.Tensor2D): tf.Tensor1D {
  return tf.exp(logA).mul(logA.sub(logB)).sum(-1) as tf.Tensor1D;
}

/** log(β·p + (1 − β)·q) from log p, log q (N, V), 0 < β < 1: a log-sum-exp of two terms. */
function logMixture(logp: tf.Tensor2D, logq: tf.Tensor2D, beta: number): tf.Tensor2D {
  const a = logp.add(Math.log(beta)); // (N, V)
  const b = logq.add(Math.log(1 - beta)); // (N, V)
  const hi = tf.maximum(a, b);
  const lo = tf.minimum(a, b);
  return finiteLog(hi.add(tf.log1p(tf.exp(lo.sub(hi))))) as tf.Tensor2D; // (N, V)
}

/**
 * The soft divergence at each position, without T² and without α.
 * studentLogits, teacherLogits: (N, V) raw logits; returns (N).
 */
export function softDivergence(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  temperature: number,
  spec: Pick<SoftTermSpec, 'divergence' | 'jsdBeta'>,
): tf.Tensor1D {
  if (spec.divergence === 'logit-mse') {
    return studentLogits.sub(teacherLogits).square().mean(-1) as tf.Tensor1D; // (N)
  }
  const logq = finiteLog(tf.logSoftmax(studentLogits.div(temperature))) as tf.Tensor2D; // (N, V) student
  const logp = finiteLog(tf.logSoftmax(teacherLogits.div(temperature))) as tf.Tensor2D; // (N, V) teacher
  return divergenceOfLogs(logq, logp, spec);
}

/**
 * The soft divergence against a teacher given as a target distribution (N, V), e.g. a sparse teacher
 * (src/distill/sparseTeacher.ts) whose zeros have no logits. Its zeros enter as log 0 floored to −1e30:
 * 0·log 0 terms are 0 and JSD's mixture stays positive wherever q is. Logit MSE needs logits: refused.
 */
export function softDivergenceToTarget(
  studentLogits: tf.Tensor2D,
  teacherProbs: tf.Tensor2D,
  temperature: number,
  spec: Pick<SoftTermSpec, 'divergence' | 'jsdBeta'>,
): tf.Tensor1D {
  if (spec.divergence === 'logit-mse') throw new Error('logit-mse compares logits: it has no target-distribution form');
  const logq = finiteLog(tf.logSoftmax(studentLogits.div(temperature))) as tf.Tensor2D; // (N, V) student
  const logp = finiteLog(tf.log(teacherProbs)) as tf.Tensor2D; // (N, V) teacher target
  return divergenceOfLogs(logq, logp, spec);
}

/** The divergences of probabilities from log q (student) and log p (teacher), (N, V) → (N). */
function divergenceOfLogs(
  logq: tf.Tensor2D,
  logp: tf.Tensor2D,
  spec: Pick<SoftTermSpec, 'divergence' | 'jsdBeta'>,
): tf.Tensor1D {
  switch (spec.divergence) {
    case 'forward-kl':
      return klFromLogs(logp, logq);
    case 'reverse-kl':
      return klFromLogs(logq, logp);
    case 'soft-ce':
      return tf.exp(logp).mul(logq).sum(-1).neg() as tf.Tensor1D;
    case 'jsd': {
      const beta = spec.jsdBeta;
      if (beta <= 0) return klFromLogs(logp, logq); // the β → 0 limit
      if (beta >= 1) return klFromLogs(logq, logp); // the β → 1 limit
      const logm = logMixture(logp, logq, beta); // (N, V)
      const jsd = klFromLogs(logp, logm)
        .mul(beta)
        .add(klFromLogs(logq, logm).mul(1 - beta)); // (N)
      return jsd.div(beta * (1 - beta)) as tf.Tensor1D;
    }
    case 'logit-mse':
      throw new Error('logit-mse is computed from logits, not log-probabilities');
    default: {
      const unknown: never = spec.divergence;
      throw new Error(`unknown soft divergence ${String(unknown)}`);
    }
  }
}

/**
 * The soft term without α: the chosen divergence averaged over scored positions (mask (N)), times T²
 * when the spec asks for it (never for logit MSE, where T does not enter).
 */
export function softTerm(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  temperature: number,
  mask: tf.Tensor1D,
  spec: SoftTermSpec,
): tf.Scalar {
  return scaleSoftTerm(softDivergence(studentLogits, teacherLogits, temperature, spec), temperature, mask, spec);
}

/** softTerm against a target distribution (N, V) instead of teacher logits: see softDivergenceToTarget. */
export function softTermToTarget(
  studentLogits: tf.Tensor2D,
  teacherProbs: tf.Tensor2D,
  temperature: number,
  mask: tf.Tensor1D,
  spec: SoftTermSpec,
): tf.Scalar {
  return scaleSoftTerm(softDivergenceToTarget(studentLogits, teacherProbs, temperature, spec), temperature, mask, spec);
}

/** Masked mean of per-position values (N), times T² when the spec asks for it and T enters. */
function scaleSoftTerm(
  perPosition: tf.Tensor1D,
  temperature: number,
  mask: tf.Tensor1D,
  spec: SoftTermSpec,
): tf.Scalar {
  const mean = maskedMean(perPosition, mask);
  const scale = spec.scaleByTSquared && spec.divergence !== 'logit-mse' ? temperature * temperature : 1;
  return scale === 1 ? mean : (mean.mul(scale) as tf.Scalar);
}

/**
 * Hard-label cross-entropy against a smoothed label: (1 − ε)·one-hot + ε/V (Szegedy et al. 2016).
 * ε = 0 is the plain hard term. logits: (N, V), targets: (N) int32, mask: (N).
 */
export function smoothedCrossEntropy(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
  mask: tf.Tensor1D,
  epsilon: number,
): tf.Scalar {
  if (!(epsilon >= 0 && epsilon < 1)) throw new Error(`label smoothing ε must be in [0, 1) (got ${epsilon})`);
  const V = logits.shape[1];
  const logq = finiteLog(tf.logSoftmax(logits)); // (N, V)
  const target = oneHotFloat(targets, V)
    .mul(1 - epsilon)
    .add(epsilon / V); // (N, V)
  const nll = target.mul(logq).sum(-1).neg() as tf.Tensor1D; // (N)
  return maskedMean(nll, mask);
}
