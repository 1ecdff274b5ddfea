// The distillation loss, one term per function, with these conventions (pinned by losses.test.ts):
//
//   L = (1 − α)·CE(y, softmax(zs))  +  α·T²·KL(softmax(zt/T) ‖ softmax(zs/T))
//     + β·L_feature + γ·L_attention + δ·L_relation
//
// α weights the teacher (soft) term. KL comes from logSoftmax, never clipped probabilities, and every
// term is averaged over its own scored positions. All functions return scalars and must be called
// inside tf.tidy (or a gradient closure) by the caller.

import * as tf from '@tensorflow/tfjs';
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

function finiteLog<T extends tf.Tensor>(logp: T): T {
  return logp.maximum(LOG_PROB_FLOOR) as T;
}

/** Mean of `perPosition` over positions where mask = 1 (0 when nothing is scored). */
function maskedMean(perPosition: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
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
    const perToken = projected.sub(ht.reshape([B * T, Ct])).square().mean(-1) as tf.Tensor1D; // (B*T)
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
    const perQuery = diff.square().sum(-1).reshape([B * T]) as tf.Tensor1D; // (B*T)
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

// ---------------------------------------------------------------------------------------------
// The same objective, fused for the training step. distillationLoss above is the reference: plain
// tfjs ops, one per formula term, differentiated by autodiff. On WebGPU every op is a dispatch, and
// the autodiff of those few lines is ~80 ops, most of them broadcasts and reductions of masks. So the
// step uses stepLoss: the hard and soft terms are one cross-entropy against two target
// distributions (the label's one-hot at T = 1, the teacher's softmax at T), sharing one logSoftmax
// and one hand-written gradient; the frozen teacher's side (its softmax at T and its entropy) is
// computed once per temperature over the whole training set (teacherTargets), not per step; and
// the mask normalisers are counted on the host, where the batch rows are chosen.

/** The frozen teacher's side of the soft term at one temperature: computed once per T and cached. */
export interface TeacherTargets {
  temperature: number;
  /** (N, V) softmax(zt / T). */
  probs: tf.Tensor2D;
  /** (N, 2) [0, Σ_v p·log p]: per row, the constant part of KL(p ‖ q) = Σ p log p − Σ p log q. */
  offsets: tf.Tensor2D;
}

/** TeacherTargets from raw teacher logits (N, V) at temperature T (call inside tf.tidy, or keep). */
export function teacherTargets(teacherLogits: tf.Tensor2D, temperature: number): TeacherTargets {
  const logp = finiteLog(tf.logSoftmax(teacherLogits.div(temperature))); // (N, V)
  const probs = tf.exp(logp) as tf.Tensor2D; // (N, V)
  const negEntropy = probs.mul(logp).sum(-1); // (N)
  const offsets = tf.stack([tf.zerosLike(negEntropy), negEntropy], 1) as tf.Tensor2D; // (N, 2)
  return { temperature, probs, offsets };
}

/**
 * Weighted cross-entropies of one set of logits against K target distributions, each at its own
 * temperature, with a hand-written gradient (only z gets one; the rest are constants):
 *
 *   out[k] = Σ_n W[n,k] · (offsets[n,k] − Σ_v targets[n,k,v] · log softmax(z[n] · invT[k])[v])
 *
 * z: (N, V); targets: (N, K, V), every row a distribution (sums to 1); weights: (N, K);
 * offsets: (N, K) or null for zeros. Returns (K). Gradient: dz[n] = Σ_k invT[k]·W[n,k]·dy[k]·(q − t).
 */
function weightedCrossEntropies(
  z: tf.Tensor2D,
  targets: tf.Tensor3D,
  weights: tf.Tensor2D,
  offsets: tf.Tensor2D | null,
  invT: number[],
): tf.Tensor1D {
  const [N, V] = z.shape;
  const K = invT.length;
  const unit = K === 1 && invT[0] === 1;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    const zk = unit ? z.reshape([N, 1, V]) : z.reshape([N, 1, V]).mul(tf.tensor3d(invT, [1, K, 1])); // (N, K, V)
    const shifted = zk.sub(zk.max(-1, true)); // (N, K, V)
    const logq = shifted.sub(shifted.exp().sum(-1, true).log()); // (N, K, V) log softmax
    const dot = targets.mul(finiteLog(logq)).sum(-1); // (N, K) Σ_v t · log q
    const perRow = offsets ? offsets.sub(dot) : dot.neg(); // (N, K)
    // Σ_n as (1, N) @ (N, K): one op on every backend
    const value = tf.matMul(tf.ones([1, N]) as tf.Tensor2D, perRow.mul(weights) as tf.Tensor2D).reshape([K]);
    save([logq, targets, weights]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [logq, t, w] = saved;
        const diff = logq.exp().sub(t); // (N, K, V) q − t
        if (unit) return diff.reshape([N, V]).mul(w.mul(dy)); // (N, V)
        const g = w.mul(dy.mul(tf.tensor1d(invT))).reshape([N, 1, K]); // (N, 1, K)
        return tf.matMul(g, diff).reshape([N, V]); // (N, V) = Σ_k g[k] · diff[k]
      },
    };
  });
  return op(z) as tf.Tensor1D;
}

export interface StepLossInputs {
  /** (N, V) student logits at the rows to score. */
  studentLogits: tf.Tensor2D;
  /** (N) int32 next-token labels. */
  targets: tf.Tensor1D;
  /** (N) 1 where the hard term scores. */
  hardMask: tf.Tensor1D;
  /** Σ hardMask when the caller knows it (counted on the host): saves a device reduction. */
  hardCount?: number;
  /** The teacher's side, gathered to the same N rows; absent for a step without a teacher. */
  teacher?: {
    /** (N, V) softmax(zt / T), from teacherTargets at the step's temperature. */
    probs: tf.Tensor2D;
    /** (N, 2) from teacherTargets. */
    offsets: tf.Tensor2D;
    /** (N) 1 where the teacher-driven soft term scores. */
    softMask: tf.Tensor1D;
    softCount?: number;
  };
  intermediate?: LossInputs['intermediate'];
}

/** 1 / max(Σ mask, 1), from the host count when given. */
function inverseCount(mask: tf.Tensor1D, count: number | undefined): number | tf.Scalar {
  return count !== undefined ? 1 / Math.max(count, 1) : (tf.scalar(1).div(mask.sum().maximum(1)) as tf.Scalar);
}

/**
 * The training step's objective: the same value as distillationLoss (same terms and weights), fused
 * for fewer ops (see above). Returns the scalar to minimise and the (LOSS_TERMS.length) values to
 * report, in LOSS_TERMS order. Without a teacher only the hard term is computed (soft reported as 0).
 */
export function stepLoss(x: StepLossInputs, w: LossWeights): { total: tf.Scalar; values: tf.Tensor1D } {
  const [N, V] = x.studentLogits.shape;
  const labels = oneHotFloat(x.targets, V); // (N, V)
  const hardScale = inverseCount(x.hardMask, x.hardCount);
  let total: tf.Scalar;
  let logitTerms: tf.Tensor1D; // [hard, soft]; [hard] without a teacher
  if (!x.teacher) {
    const weights = x.hardMask.mul(hardScale).reshape([N, 1]) as tf.Tensor2D; // (N, 1)
    logitTerms = weightedCrossEntropies(x.studentLogits, labels.reshape([N, 1, V]), weights, null, [1]); // (1)
    const hard = logitTerms.reshape([]) as tf.Scalar;
    total = w.alpha === 0 ? hard : (hard.mul(1 - w.alpha) as tf.Scalar);
  } else {
    const T = w.temperature;
    const t = x.teacher;
    const softScale = inverseCount(t.softMask, t.softCount);
    const targets = tf.stack([labels, t.probs], 1) as tf.Tensor3D; // (N, 2, V)
    // Per-row weights of [hard, soft]: mask / count, and T² on the soft term.
    const scales = typeof hardScale === 'number' && typeof softScale === 'number'
      ? tf.tensor2d([[hardScale, softScale * T * T]])
      : tf.stack([hardScale, tf.mul(softScale, T * T)]).reshape([1, 2]);
    const weights = tf.stack([x.hardMask, t.softMask], 1).mul(scales) as tf.Tensor2D; // (N, 2)
    logitTerms = weightedCrossEntropies(x.studentLogits, targets, weights, t.offsets, [1, 1 / T]); // (2) [hard, soft]
    // total = (1 − α)·hard + α·soft, as one (1, 2) @ (2, 1)
    total = tf.matMul(logitTerms.reshape([1, 2]), tf.tensor2d([[1 - w.alpha], [w.alpha]])).reshape([]) as tf.Scalar;
  }
  const m = x.intermediate;
  const needs = (weight: number) => weight > 0 && m !== undefined;
  const extra: tf.Scalar[] = [
    needs(w.beta) ? featureLoss(m!.studentHidden, m!.teacherHidden, m!.projections, m!.tokenMask) : tf.scalar(0),
    needs(w.gamma) ? attentionLoss(m!.studentAtt, m!.teacherAtt, m!.tokenMask) : tf.scalar(0),
    needs(w.delta)
      ? relationLoss(m!.studentHidden[m!.studentHidden.length - 1], m!.teacherHidden[m!.teacherHidden.length - 1], m!.tokenMask)
      : tf.scalar(0),
  ];
  const extraWeights = [w.beta, w.gamma, w.delta];
  extra.forEach((term, i) => {
    if (needs(extraWeights[i])) total = total.add(term.mul(extraWeights[i])) as tf.Scalar;
  });
  // LOSS_TERMS order: total, hard, soft (0 without a teacher), feature, attention, relation
  const rest = extraWeights.some(needs) ? tf.stack(extra) : tf.zeros([3]);
  const parts = x.teacher ? [total.reshape([1]), logitTerms, rest] : [total.reshape([1]), logitTerms, tf.zeros([1]), rest];
  const values = tf.concat(parts) as tf.Tensor1D;
  return { total, values };
}
