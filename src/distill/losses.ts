// The distillation loss, one term per function, with the conventions of DESIGN.md §1:
//
//   L = (1 − α)·CE(y, softmax(zs))  +  α·T²·KL(softmax(zt/T) ‖ softmax(zs/T))
//     + β·L_feature + γ·L_attention + δ·L_relation
//
// α weights the teacher (soft) term. KL comes from logSoftmax, never clipped probabilities, and every
// term is averaged over its own scored positions. All functions return scalars and must be called
// inside tf.tidy (or a gradient closure) by the caller.

import * as tf from '@tensorflow/tfjs';

/** Mean of `perPosition` over positions where mask = 1 (0 when nothing is scored). */
function maskedMean(perPosition: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  return perPosition.mul(mask).sum().div(mask.sum().maximum(1)) as tf.Scalar;
}

/**
 * Hard-label cross-entropy.
 * logits: (N, V), targets: (N) int32, mask: (N) 1 where scored.
 */
export function hardCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  const logp = tf.logSoftmax(logits); // (N, V)
  const nll = tf.oneHot(targets, logits.shape[1]).mul(logp).sum(-1).neg() as tf.Tensor1D; // (N)
  return maskedMean(nll, mask);
}

/**
 * Soft term without α: T²·KL(softmax(zt/T) ‖ softmax(zs/T)), averaged over scored positions.
 * The T² keeps its gradient on the same scale as the hard term's as T grows (Hinton et al. 2015).
 * studentLogits, teacherLogits: (N, V); mask: (N).
 */
export function softDistillation(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  temperature: number,
  mask: tf.Tensor1D,
): tf.Scalar {
  const logps = tf.logSoftmax(studentLogits.div(temperature)); // (N, V)
  const logpt = tf.logSoftmax(teacherLogits.div(temperature)); // (N, V)
  const kl = tf.exp(logpt).mul(logpt.sub(logps)).sum(-1) as tf.Tensor1D; // (N)
  return maskedMean(kl, mask).mul(temperature * temperature) as tf.Scalar;
}

/** Student layer i is matched with teacher layer mapLayer(i): evenly spaced, last to last. */
export function mapLayer(studentLayer: number, nStudent: number, nTeacher: number): number {
  return Math.max(0, Math.round(((studentLayer + 1) * nTeacher) / nStudent) - 1);
}

/**
 * Feature term (FitNets): MSE between the student's hidden states, projected to the teacher's width
 * by a learned linear map, and the teacher's hidden states at the mapped layer; averaged over real
 * tokens and matched layers.
 * studentHidden[i]: (B, T, Cs); teacherHidden[j]: (B, T, Ct); projections[i]: (Cs, Ct); tokenMask: (B, T).
 */
export function featureLoss(
  studentHidden: tf.Tensor3D[],
  teacherHidden: tf.Tensor3D[],
  projections: tf.Tensor2D[],
  tokenMask: tf.Tensor2D,
): tf.Scalar {
  const [B, T, Cs] = studentHidden[0].shape;
  const mask = tokenMask.reshape([B * T]) as tf.Tensor1D;
  const terms = studentHidden.map((hs, i) => {
    const ht = teacherHidden[mapLayer(i, studentHidden.length, teacherHidden.length)];
    const Ct = ht.shape[2];
    const projected = tf.matMul(hs.reshape([B * T, Cs]) as tf.Tensor2D, projections[i]); // (B*T, Ct)
    const perToken = projected.sub(ht.reshape([B * T, Ct])).square().mean(-1) as tf.Tensor1D; // (B*T)
    return maskedMean(perToken, mask);
  });
  return tf.addN(terms).div(terms.length) as tf.Scalar;
}

/**
 * Attention term (attention transfer): squared distance between head-averaged attention maps at
 * matched layers, so teacher and student may have different head counts. Each query row is a
 * distribution over keys; the squared differences are summed over keys and averaged over real
 * query positions and layers.
 * studentAtt[i]: (B, nhs, T, T); teacherAtt[j]: (B, nht, T, T); tokenMask: (B, T).
 */
export function attentionLoss(studentAtt: tf.Tensor4D[], teacherAtt: tf.Tensor4D[], tokenMask: tf.Tensor2D): tf.Scalar {
  const [B, , T] = studentAtt[0].shape;
  const mask = tokenMask.reshape([B * T]) as tf.Tensor1D;
  const terms = studentAtt.map((as, i) => {
    const at = teacherAtt[mapLayer(i, studentAtt.length, teacherAtt.length)];
    const diff = as.mean(1).sub(at.mean(1)); // (B, T, T)
    const perQuery = diff.square().sum(-1).reshape([B * T]) as tf.Tensor1D; // (B*T)
    return maskedMean(perQuery, mask);
  });
  return tf.addN(terms).div(terms.length) as tf.Scalar;
}

/** Mean of the real tokens' hidden states, L2-normalised: (B, T, C) → (B, C). */
function pooledUnit(hidden: tf.Tensor3D, tokenMask: tf.Tensor2D): tf.Tensor2D {
  const m = tokenMask.expandDims(-1); // (B, T, 1)
  const pooled = hidden.mul(m).sum(1).div(m.sum(1).maximum(1)); // (B, C)
  return pooled.div(pooled.square().sum(-1, true).add(1e-12).sqrt()) as tf.Tensor2D;
}

/**
 * Relation term (relational / similarity-preserving KD): MSE between the batch's cosine-similarity
 * (Gram) matrices of pooled last-layer hidden states. Works across widths: both Grams are (B, B).
 * studentHidden: (B, T, Cs); teacherHidden: (B, T, Ct); tokenMask: (B, T).
 */
export function relationLoss(studentHidden: tf.Tensor3D, teacherHidden: tf.Tensor3D, tokenMask: tf.Tensor2D): tf.Scalar {
  const ps = pooledUnit(studentHidden, tokenMask); // (B, Cs)
  const pt = pooledUnit(teacherHidden, tokenMask); // (B, Ct)
  const gs = tf.matMul(ps, ps, false, true); // (B, B)
  const gt = tf.matMul(pt, pt, false, true); // (B, B)
  return gs.sub(gt).square().mean() as tf.Scalar;
}

export interface LossWeights {
  temperature: number;
  alpha: number;
  beta: number;
  gamma: number;
  delta: number;
}

export interface LossInputs {
  /** (N, V) student logits at the rows to score (N = B·T). */
  studentLogits: tf.Tensor2D;
  /** (N, V) teacher logits, or undefined when no teacher term is needed. */
  teacherLogits?: tf.Tensor2D;
  /** (N) int32 next-token labels. */
  targets: tf.Tensor1D;
  /** (N) 1 where the hard term scores. */
  hardMask: tf.Tensor1D;
  /** (N) 1 where the teacher-driven soft term scores. */
  softMask: tf.Tensor1D;
  /** Intermediate terms, when their weight is non-zero. */
  intermediate?: {
    studentHidden: tf.Tensor3D[];
    teacherHidden: tf.Tensor3D[];
    studentAtt: tf.Tensor4D[];
    teacherAtt: tf.Tensor4D[];
    projections: tf.Tensor2D[];
    /** (B, T) real-token mask. */
    tokenMask: tf.Tensor2D;
  };
}

export const LOSS_TERMS = ['total', 'hard', 'soft', 'feature', 'attention', 'relation'] as const;
export type LossTerm = (typeof LOSS_TERMS)[number];
export type LossTerms = Record<LossTerm, tf.Scalar>;

/**
 * The full objective and each of its terms (unweighted, so the UI can plot them on one scale).
 * A term whose weight is zero is not computed and reported as 0, except that the soft term is
 * computed whenever teacher logits are given: it is the student's distance to the teacher, worth
 * plotting for the baseline too. With α = 0 the total is exactly the hard CE.
 */
export function distillationLoss(x: LossInputs, w: LossWeights): LossTerms {
  const zero = tf.scalar(0);
  const hard = hardCrossEntropy(x.studentLogits, x.targets, x.hardMask);
  const soft = x.teacherLogits ? softDistillation(x.studentLogits, x.teacherLogits, w.temperature, x.softMask) : zero;
  const m = x.intermediate;
  const needs = (weight: number) => weight > 0 && m !== undefined;
  const feature = needs(w.beta) ? featureLoss(m!.studentHidden, m!.teacherHidden, m!.projections, m!.tokenMask) : zero;
  const attention = needs(w.gamma) ? attentionLoss(m!.studentAtt, m!.teacherAtt, m!.tokenMask) : zero;
  const relation = needs(w.delta)
    ? relationLoss(m!.studentHidden[m!.studentHidden.length - 1], m!.teacherHidden[m!.teacherHidden.length - 1], m!.tokenMask)
    : zero;

  let total: tf.Scalar = w.alpha === 0 ? hard : (hard.mul(1 - w.alpha) as tf.Scalar);
  if (w.alpha > 0 && x.teacherLogits) total = total.add(soft.mul(w.alpha)) as tf.Scalar;
  if (needs(w.beta)) total = total.add(feature.mul(w.beta)) as tf.Scalar;
  if (needs(w.gamma)) total = total.add(attention.mul(w.gamma)) as tf.Scalar;
  if (needs(w.delta)) total = total.add(relation.mul(w.delta)) as tf.Scalar;
  return { total, hard, soft, feature, attention, relation };
}
