// The distillation objective of losses.ts, fused for the training step. distillationLoss there is
// the reference: plain tfjs ops, one per formula term, differentiated by autodiff. On WebGPU every op
// is a dispatch, and the autodiff of those few lines is ~80 ops, most of them broadcasts and
// reductions of masks. So the step uses stepLoss: the hard and soft terms are one cross-entropy
// against two target distributions (the label's one-hot at T = 1, the teacher's softmax at T),
// sharing one logSoftmax and one hand-written gradient; the frozen teacher's side (its softmax at T
// and its entropy) is computed once per temperature over the whole training set (teacherTargets), not
// per step; and the mask normalisers are counted on the host, where the batch rows are chosen.
// stepLoss.test.ts pins it to distillationLoss, value and gradient.
//
// The objective's choices (src/objective.ts, issue 13): label smoothing only changes the hard target,
// and soft CE differs from forward KL only by the teacher's entropy (a constant: same gradient), so
// both stay on the fused path; T² off drops a factor. Reverse KL, JSD and logit MSE are not a
// cross-entropy against a fixed target: for them the soft term is divergences.ts's softTerm,
// differentiated by autodiff (correct first; the benchmark gives their cost per step).

import * as tf from '@tensorflow/tfjs';
import { oneHotFloat } from '../model/oneHot';
import { DEFAULT_OBJECTIVE, type Objective } from '../objective';
import { softTerm, softTermToTarget } from './divergences';
import { finiteLog, intermediateTerms, type IntermediateInputs, type LossWeights } from './losses';

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
    /** (N, V) softmax(zt / T), from teacherTargets at the step's temperature (or a sparse target). */
    probs: tf.Tensor2D;
    /**
     * (N, V) raw teacher logits: reverse KL, JSD and logit MSE read them (on the full teacher, where
     * they are the exact inputs of divergences.ts); without them those divergences use `probs`.
     */
    logits?: tf.Tensor2D;
    /** (N, 2) from teacherTargets. */
    offsets: tf.Tensor2D;
    /** (N) 1 where the teacher-driven soft term scores. */
    softMask: tf.Tensor1D;
    softCount?: number;
  };
  intermediate?: IntermediateInputs;
}

/** 1 / max(Σ mask, 1), from the host count when given. */
function inverseCount(mask: tf.Tensor1D, count: number | undefined): number | tf.Scalar {
  return count !== undefined ? 1 / Math.max(count, 1) : (tf.scalar(1).div(mask.sum().maximum(1)) as tf.Scalar);
}

/** The divergences the fused cross-entropy computes exactly: a cross-entropy against the teacher's target. */
export function fusedDivergence(o: Objective): boolean {
  return o.divergence === 'forward-kl' || o.divergence === 'soft-ce';
}

/**
 * The training step's objective: the same value as distillationLoss (same terms and weights), fused
 * for fewer ops (see the top of this file), with the soft divergence, T² and label smoothing of
 * `objective` (default: today's). Returns the scalar to minimise and the (LOSS_TERMS.length) values to
 * report, in LOSS_TERMS order. Without a teacher only the hard term is computed (soft reported as 0).
 */
export function stepLoss(
  x: StepLossInputs,
  w: LossWeights,
  objective: Objective = DEFAULT_OBJECTIVE,
): { total: tf.Scalar; values: tf.Tensor1D } {
  const [N, V] = x.studentLogits.shape;
  const eps = objective.labelSmoothing;
  const oneHot = oneHotFloat(x.targets, V); // (N, V)
  const labels = eps > 0 ? (oneHot.mul(1 - eps).add(eps / V) as tf.Tensor2D) : oneHot; // (N, V) smoothed label
  const hardScale = inverseCount(x.hardMask, x.hardCount);
  let total: tf.Scalar;
  let logitTerms: tf.Tensor1D; // [hard, soft]; [hard] without a teacher
  if (!x.teacher) {
    const weights = x.hardMask.mul(hardScale).reshape([N, 1]) as tf.Tensor2D; // (N, 1)
    logitTerms = weightedCrossEntropies(x.studentLogits, labels.reshape([N, 1, V]), weights, null, [1]); // (1)
    const hard = logitTerms.reshape([]) as tf.Scalar;
    total = w.alpha === 0 ? hard : (hard.mul(1 - w.alpha) as tf.Scalar);
  } else if (fusedDivergence(objective)) {
    const T = w.temperature;
    const t = x.teacher;
    const softScale = inverseCount(t.softMask, t.softCount);
    const t2 = objective.scaleByTSquared ? T * T : 1;
    // softScale · T · T in this order, as before the objective's choices: a default run stays bit for bit.
    const hostSoft = typeof softScale === 'number' ? (objective.scaleByTSquared ? softScale * T * T : softScale) : 0;
    const targets = tf.stack([labels, t.probs], 1) as tf.Tensor3D; // (N, 2, V)
    // Per-row weights of [hard, soft]: mask / count, and T² on the soft term.
    const scales =
      typeof hardScale === 'number' && typeof softScale === 'number'
        ? tf.tensor2d([[hardScale, hostSoft]])
        : tf.stack([hardScale, tf.mul(softScale, t2)]).reshape([1, 2]);
    const weights = tf.stack([x.hardMask, t.softMask], 1).mul(scales) as tf.Tensor2D; // (N, 2)
    // Soft CE is the cross-entropy itself: no entropy offset (the hard term's offset is 0 either way).
    const offsets = objective.divergence === 'soft-ce' ? null : t.offsets;
    logitTerms = weightedCrossEntropies(x.studentLogits, targets, weights, offsets, [1, 1 / T]); // (2) [hard, soft]
    // total = (1 − α)·hard + α·soft, as one (1, 2) @ (2, 1)
    total = tf.matMul(logitTerms.reshape([1, 2]), tf.tensor2d([[1 - w.alpha], [w.alpha]])).reshape([]) as tf.Scalar;
  } else {
    const T = w.temperature;
    const t = x.teacher;
    const weights = x.hardMask.mul(hardScale).reshape([N, 1]) as tf.Tensor2D; // (N, 1)
    const hard = weightedCrossEntropies(x.studentLogits, labels.reshape([N, 1, V]), weights, null, [1]); // (1)
    const soft = t.logits
      ? softTerm(x.studentLogits, t.logits, T, t.softMask, objective)
      : softTermToTarget(x.studentLogits, t.probs, T, t.softMask, objective);
    logitTerms = tf.concat([hard, soft.reshape([1])]) as tf.Tensor1D; // (2) [hard, soft]
    total = hard
      .reshape([])
      .mul(1 - w.alpha)
      .add(soft.mul(w.alpha)) as tf.Scalar;
  }
  const { feature, attention, relation } = intermediateTerms(x.intermediate, w);
  const extra = [feature, attention, relation];
  const extraWeights = [w.beta, w.gamma, w.delta];
  extra.forEach((term, i) => {
    if (term) total = total.add(term.mul(extraWeights[i])) as tf.Scalar;
  });
  // LOSS_TERMS order: total, hard, soft (0 without a teacher), feature, attention, relation
  const rest = extra.some((t) => t) ? tf.stack(extra.map((t) => t ?? tf.scalar(0))) : tf.zeros([3]);
  const parts = x.teacher
    ? [total.reshape([1]), logitTerms, rest]
    : [total.reshape([1]), logitTerms, tf.zeros([1]), rest];
  const values = tf.concat(parts) as tf.Tensor1D;
  return { total, values };
}
