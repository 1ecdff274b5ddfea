// The distillation loss, one term per function, with these conventions (pinned by losses.test.ts):
//
//   L = (1 − α)·CE(y, softmax(zs))  +  α·T²·KL(softmax(zt/T) ‖ softmax(zs/T))
//     + β·L_feature + γ·L_attention + δ·L_relation
//
// α weights the teacher (soft) term. KL comes from logSoftmax, never clipped probabilities, and every
// term is averaged over its own scored positions. All functions return scalars and must be called
// inside tf.tidy (or a gradient closure) by the caller.

import * as tf from '@tensorflow/tfjs';
import type { Hyper } from '../config';
import type { LossTerm } from '../report';
import { oneHotFloat } from '../model/oneHot';

/**
 * Where a logit is −∞ (a token masked out, a sparse teacher) its log-probability is −∞ and every
 * `p · log q` with p = 0 there is 0 · (−∞) = NaN in IEEE arithmetic, though the term is 0 by the
 * convention 0 · log 0 = 0. Flooring log-probabilities at −1e30, far below any finite logit's, keeps
 * those products exactly 0 and leaves every finite value unchanged. Where a target has mass on a
 * token the student gives −∞, the true value is +∞; it is reported as a huge finite number
 * (~1e30 · p) so the run can say so instead of turning every later value into NaN.
 */
export const LOG_PROB_FLOOR = -1e30;

export function finiteLog<T extends tf.Tensor>(logp: T): T {
  return logp.maximum(LOG_PROB_FLOOR) as T;
}

/** Mean of `perPosition` over positions where mask = 1 (0 when nothing is scored). */
export function maskedMean(perPosition: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  return perPosition.mul(mask).sum().div(mask.sum().maximum(1)) as tf.Scalar;
}

/**
 * Hard-label cross-entropy.
 * logits: (N, V), targets: (N) int32, mask: (N) 1 where scored.
 */
export function hardCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  const logp = finiteLog(tf.logSoftmax(logits)); // (N, V)
  const nll = oneHotFloat(targets, logits.shape[1]).mul(logp).sum(-1).neg() as tf.Tensor1D; // (N)
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
  const logps = finiteLog(tf.logSoftmax(studentLogits.div(temperature))); // (N, V)
  const logpt = finiteLog(tf.logSoftmax(teacherLogits.div(temperature))); // (N, V)
  const kl = tf.exp(logpt).mul(logpt.sub(logps)).sum(-1) as tf.Tensor1D; // (N)
  return maskedMean(kl, mask).mul(temperature * temperature) as tf.Scalar;
}

/**
 * Mean of scalar terms. Not tf.addN: on WebGPU an addN of more than 7 tensors builds a shader with
 * too many storage buffers (limit 8) and returns garbage, which a student of 8+ layers would hit.
 */
function meanOf(terms: tf.Scalar[]): tf.Scalar {
  return tf.stack(terms).mean() as tf.Scalar;
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
    const perToken = projected
      .sub(ht.reshape([B * T, Ct]))
      .square()
      .mean(-1) as tf.Tensor1D; // (B*T)
    return maskedMean(perToken, mask);
  });
  return meanOf(terms);
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
    const perQuery = diff
      .square()
      .sum(-1)
      .reshape([B * T]) as tf.Tensor1D; // (B*T)
    return maskedMean(perQuery, mask);
  });
  return meanOf(terms);
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
export function relationLoss(
  studentHidden: tf.Tensor3D,
  teacherHidden: tf.Tensor3D,
  tokenMask: tf.Tensor2D,
): tf.Scalar {
  const ps = pooledUnit(studentHidden, tokenMask); // (B, Cs)
  const pt = pooledUnit(teacherHidden, tokenMask); // (B, Ct)
  const gs = tf.matMul(ps, ps, false, true); // (B, B)
  const gt = tf.matMul(pt, pt, false, true); // (B, B)
  return gs.sub(gt).square().mean() as tf.Scalar;
}

/** The live hyperparameters the objective reads: T and the weights of its terms. */
export type LossWeights = Pick<Hyper, 'temperature' | 'alpha' | 'beta' | 'gamma' | 'delta'>;

/** What the intermediate (feature, attention, relation) terms read, per layer. */
export interface IntermediateInputs {
  studentHidden: tf.Tensor3D[];
  teacherHidden: tf.Tensor3D[];
  studentAtt: tf.Tensor4D[];
  teacherAtt: tf.Tensor4D[];
  projections: tf.Tensor2D[];
  /** (B, T) real-token mask. */
  tokenMask: tf.Tensor2D;
}

/** The intermediate terms, unweighted; null where the weight is 0 or there are no intermediate inputs. */
export interface IntermediateTerms {
  feature: tf.Scalar | null;
  attention: tf.Scalar | null;
  relation: tf.Scalar | null;
}

/** Computes each intermediate term whose weight (β, γ, δ) is above 0, from the same inputs. */
export function intermediateTerms(
  m: IntermediateInputs | undefined,
  w: Pick<LossWeights, 'beta' | 'gamma' | 'delta'>,
): IntermediateTerms {
  if (!m) return { feature: null, attention: null, relation: null };
  const last = <T>(xs: T[]) => xs[xs.length - 1];
  return {
    feature: w.beta > 0 ? featureLoss(m.studentHidden, m.teacherHidden, m.projections, m.tokenMask) : null,
    attention: w.gamma > 0 ? attentionLoss(m.studentAtt, m.teacherAtt, m.tokenMask) : null,
    relation: w.delta > 0 ? relationLoss(last(m.studentHidden), last(m.teacherHidden), m.tokenMask) : null,
  };
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
  intermediate?: IntermediateInputs;
}

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
  const { feature, attention, relation } = intermediateTerms(x.intermediate, w);

  let total: tf.Scalar = w.alpha === 0 ? hard : (hard.mul(1 - w.alpha) as tf.Scalar);
  if (w.alpha > 0 && x.teacherLogits) total = total.add(soft.mul(w.alpha)) as tf.Scalar;
  if (feature) total = total.add(feature.mul(w.beta)) as tf.Scalar;
  if (attention) total = total.add(attention.mul(w.gamma)) as tf.Scalar;
  if (relation) total = total.add(relation.mul(w.delta)) as tf.Scalar;
  return { total, hard, soft, feature: feature ?? zero, attention: attention ?? zero, relation: relation ?? zero };
}
