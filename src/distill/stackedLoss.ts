// The training objective of K students at once (src/train/stackedStep.ts): member k's value is
// exactly stepLoss's (stepLoss.ts) with member k's logits, its own weights (T, α, β, γ, δ) and its own
// soft target distribution; the objective is the sum over members, so each member gets its own
// gradient (they share no parameter). Like stepLoss, the hard and soft terms are one cross-entropy
// against two target distributions with a hand-written gradient, now over a leading member axis:
//
//   member k:  (1 − α_k)·CE(y, softmax(z_k))  +  α_k·T_k²·KL(p_k ‖ softmax(z_k / T_k))
//            + β_k·L_feature,k + γ_k·L_attention,k + δ_k·L_relation,k
//
// with masked means over the scored positions, the normalisers counted on the host. The soft
// target p_k is whatever the member is given: the teacher's softmax at T_k (distillation), the
// teacher with its non-target probabilities permuted, a random teacher, or the uniform
// distribution (label smoothing) — controls that tell how much of the gain is dark knowledge.
// All kernels are shared by the K members; only their sizes grow with K.

import * as tf from '@tensorflow/tfjs';
import { oneHotFloat } from '../model/oneHot';
import { stackedMatMul } from '../model/stackedOps';
import { finiteLog, mapLayer, type LossWeights } from './losses';

/**
 * Per member, weighted cross-entropies of its logits against J target distributions at their own
 * temperatures (weightedCrossEntropies of stepLoss.ts with a member axis):
 *
 *   out[k, j] = Σ_n W[k,n,j] · (offsets[k,n,j] − Σ_v targets[k,n,j,v] · log softmax(z[k,n] · invT[k,j])[v])
 *
 * z: (K, N, V); targets: (K, N, J, V); weights: (K, N, J); offsets: (K, N, J) or null; invT: K rows
 * of J. Returns (K, J). Gradient (z only): dz[k,n] = Σ_j invT[k,j]·W[k,n,j]·dy[k,j]·(q − t).
 */
function stackedWeightedCrossEntropies(
  z: tf.Tensor3D,
  targets: tf.Tensor4D,
  weights: tf.Tensor3D,
  offsets: tf.Tensor3D | null,
  invT: number[][],
): tf.Tensor2D {
  const [K, N, V] = z.shape;
  const J = invT[0].length;
  const unit = invT.every((row) => row.every((x) => x === 1));
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = args[0] as tf.Tensor3D;
    const save = args[1] as tf.GradSaveFunc;
    const z4 = z.reshape([K, N, 1, V]);
    const zk = unit ? z4 : z4.mul(tf.tensor4d(invT.flat(), [K, 1, J, 1])); // (K, N, J, V)
    const shifted = zk.sub(zk.max(-1, true)); // (K, N, J, V)
    const logq = shifted.sub(shifted.exp().sum(-1, true).log()); // (K, N, J, V) log softmax
    const dot = targets.mul(finiteLog(logq)).sum(-1); // (K, N, J) Σ_v t · log q
    const perRow = offsets ? offsets.sub(dot) : dot.neg(); // (K, N, J)
    // Σ_n per member as (K, 1, N) @ (K, N, J): one kernel
    const value = tf.matMul(tf.ones([K, 1, N]) as tf.Tensor3D, perRow.mul(weights) as tf.Tensor3D).reshape([K, J]);
    save([logq, targets, weights]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [logq, t, w] = saved;
        const diff = logq.exp().sub(t); // (K, N, J, V) q − t
        const scale = unit ? dy : dy.mul(tf.tensor2d(invT.flat(), [K, J])); // (K, J)
        const g = w.mul(scale.reshape([K, 1, J])); // (K, N, J)
        if (J === 1) return diff.reshape([K, N, V]).mul(g); // (K, N, V)
        return tf.matMul(g.reshape([K * N, 1, J]), diff.reshape([K * N, J, V])).reshape([K, N, V]); // Σ_j g[j] · diff[j]
      },
    };
  });
  return op(z) as tf.Tensor2D;
}

export interface StackedLossInputs {
  /** (K, N, V) logits of the K members at the rows to score. */
  logits: tf.Tensor3D;
  /** (N) int32 labels, shared. */
  targets: tf.Tensor1D;
  /** (N) 1 where the hard term scores. */
  hardMask: tf.Tensor1D;
  /** Σ hardMask, counted on the host. */
  hardCount: number;
  /** Each member's soft target, gathered to the same N rows; absent: hard term only. */
  soft?: {
    /** (K, N, V) member k's target distribution (e.g. softmax(zt / T_k)). */
    probs: tf.Tensor3D;
    /** (K, N, 2) [0, Σ_v p·log p] per row (teacherTargets' offsets, per member). */
    offsets: tf.Tensor3D;
    /** (N) 1 where the soft term scores. */
    softMask: tf.Tensor1D;
    softCount: number;
  };
  /** The intermediate terms' inputs, when some member's β, γ or δ is > 0. */
  intermediate?: {
    /** Per student layer (K, B·T, Cs). */
    studentHidden: tf.Tensor3D[];
    /** Per teacher layer (B, T, Ct): one frozen teacher, shared. */
    teacherHidden: tf.Tensor3D[];
    /** Per student layer (K·B, nhs, T, T). */
    studentAtt: tf.Tensor4D[];
    /** Per teacher layer (B, nht, T, T). */
    teacherAtt: tf.Tensor4D[];
    /** Per student layer (K, Cs, Ct). */
    projections: tf.Tensor2D[] | tf.Tensor3D[];
    /** (B, T) real-token mask. */
    tokenMask: tf.Tensor2D;
  };
}

/** Per member, mean over positions where mask = 1: perPosition (K, N), mask (N) → (K). */
function maskedMeans(perPosition: tf.Tensor2D, mask: tf.Tensor1D): tf.Tensor1D {
  return perPosition
    .mul(mask.reshape([1, -1]))
    .sum(-1)
    .div(mask.sum().maximum(1)) as tf.Tensor1D;
}

/** Feature term per member (losses.ts featureLoss): (K). */
function stackedFeature(m: NonNullable<StackedLossInputs['intermediate']>): tf.Tensor1D {
  const [B, T] = m.tokenMask.shape;
  const mask = m.tokenMask.reshape([B * T]) as tf.Tensor1D;
  const terms = m.studentHidden.map((hs, i) => {
    const ht = m.teacherHidden[mapLayer(i, m.studentHidden.length, m.teacherHidden.length)];
    const Ct = ht.shape[2];
    const projected = stackedMatMul(hs, m.projections[i] as tf.Tensor3D); // (K, B*T, Ct)
    const perToken = projected
      .sub(ht.reshape([1, B * T, Ct]))
      .square()
      .mean(-1) as tf.Tensor2D; // (K, B*T)
    return maskedMeans(perToken, mask);
  });
  return tf.stack(terms, 1).mean(1) as tf.Tensor1D; // (K)
}

/** Attention term per member (losses.ts attentionLoss): (K). */
function stackedAttention(m: NonNullable<StackedLossInputs['intermediate']>, K: number): tf.Tensor1D {
  const [B, T] = m.tokenMask.shape;
  const mask = m.tokenMask.reshape([B * T]) as tf.Tensor1D;
  const terms = m.studentAtt.map((as, i) => {
    const at = m.teacherAtt[mapLayer(i, m.studentAtt.length, m.teacherAtt.length)];
    const diff = as
      .mean(1)
      .reshape([K, B, T, T])
      .sub(at.mean(1).reshape([1, B, T, T])); // (K, B, T, T)
    const perQuery = diff
      .square()
      .sum(-1)
      .reshape([K, B * T]) as tf.Tensor2D; // (K, B*T)
    return maskedMeans(perQuery, mask);
  });
  return tf.stack(terms, 1).mean(1) as tf.Tensor1D;
}

/** Relation term per member (losses.ts relationLoss) on the last layers: (K). */
function stackedRelation(m: NonNullable<StackedLossInputs['intermediate']>, K: number): tf.Tensor1D {
  const [B, T] = m.tokenMask.shape;
  const hs = m.studentHidden[m.studentHidden.length - 1]; // (K, B*T, Cs)
  const ht = m.teacherHidden[m.teacherHidden.length - 1]; // (B, T, Ct)
  const mk = m.tokenMask.expandDims(-1); // (B, T, 1)
  const count = mk.sum(1).maximum(1); // (B, 1)
  const unit = (pooled: tf.Tensor) => pooled.div(pooled.square().sum(-1, true).add(1e-12).sqrt());
  const Cs = hs.shape[2];
  const ps = unit(
    hs
      .reshape([K, B, T, Cs])
      .mul(mk.reshape([1, B, T, 1]))
      .sum(2)
      .div(count.reshape([1, B, 1])),
  ) as tf.Tensor3D; // (K, B, Cs)
  const pt = unit(ht.mul(mk).sum(1).div(count)) as tf.Tensor2D; // (B, Ct)
  const gs = stackedMatMul(ps, ps, false, true); // (K, B, B)
  const gt = tf.matMul(pt, pt, false, true); // (B, B)
  return gs
    .sub(gt.reshape([1, B, B]))
    .square()
    .reshape([K, B * B])
    .mean(-1) as tf.Tensor1D;
}

/**
 * The K members' objectives. Returns the scalar to minimise (the sum of the members' totals) and
 * (K, LOSS_TERMS.length) values to report, row k in LOSS_TERMS order for member k: total, hard,
 * soft (0 without soft targets), feature, attention, relation (0 where the member's weight is 0,
 * as stepLoss reports them). w[k] are member k's weights.
 */
export function stackedStepLoss(
  x: StackedLossInputs,
  w: readonly LossWeights[],
): { total: tf.Scalar; values: tf.Tensor2D } {
  const [K, N, V] = x.logits.shape;
  if (w.length !== K) throw new Error(`stackedStepLoss: ${w.length} weight sets for ${K} members`);
  const labels = oneHotFloat(x.targets, V); // (N, V)
  const hardScale = 1 / Math.max(x.hardCount, 1);
  let logitTotal: tf.Tensor1D; // (K)
  let logitTerms: tf.Tensor2D; // (K, 2) [hard, soft]; (K, 1) [hard] without soft targets
  if (!x.soft) {
    const weights = x.hardMask.mul(hardScale).reshape([1, N, 1]).tile([K, 1, 1]) as tf.Tensor3D; // (K, N, 1)
    const targets = (
      K === 1 ? labels.reshape([1, N, 1, V]) : labels.reshape([1, N, 1, V]).tile([K, 1, 1, 1])
    ) as tf.Tensor4D; // (K, N, 1, V)
    logitTerms = stackedWeightedCrossEntropies(
      x.logits,
      targets,
      weights,
      null,
      w.map(() => [1]),
    ); // (K, 1)
    logitTotal = logitTerms.mul(tf.tensor2d(w.map((m) => [1 - m.alpha]))).reshape([K]) as tf.Tensor1D;
  } else {
    const s = x.soft;
    const softScale = 1 / Math.max(s.softCount, 1);
    const tiled = (K === 1 ? labels.reshape([1, N, V]) : labels.reshape([1, N, V]).tile([K, 1, 1])) as tf.Tensor3D; // (K, N, V)
    const targets = tf.stack([tiled, s.probs], 2) as tf.Tensor4D; // (K, N, 2, V)
    // Per-row weights of [hard, soft] per member: mask / count, and T_k² on the soft term.
    const scales = tf.tensor3d(
      w.map((m) => [[hardScale, softScale * m.temperature * m.temperature]]),
      [K, 1, 2],
    );
    const weights = tf.stack([x.hardMask, s.softMask], 1).reshape([1, N, 2]).mul(scales) as tf.Tensor3D; // (K, N, 2)
    logitTerms = stackedWeightedCrossEntropies(
      x.logits,
      targets,
      weights,
      s.offsets,
      w.map((m) => [1, 1 / m.temperature]),
    ); // (K, 2)
    // total_k = (1 − α_k)·hard_k + α_k·soft_k
    logitTotal = logitTerms.mul(tf.tensor2d(w.map((m) => [1 - m.alpha, m.alpha]))).sum(-1) as tf.Tensor1D;
  }
  // Intermediate terms, computed when some member weighs them; a member whose weight is 0 adds 0.
  const m = x.intermediate;
  const weightsOf = (key: 'beta' | 'gamma' | 'delta') => w.map((mw) => mw[key]);
  const needed = (key: 'beta' | 'gamma' | 'delta') => m !== undefined && weightsOf(key).some((v) => v > 0);
  const extras: tf.Tensor1D[] = [];
  let total = logitTotal;
  for (const [key, term] of [
    ['beta', () => stackedFeature(m!)],
    ['gamma', () => stackedAttention(m!, K)],
    ['delta', () => stackedRelation(m!, K)],
  ] as const) {
    if (!needed(key)) {
      extras.push(tf.zeros([K]));
      continue;
    }
    const value = term(); // (K)
    total = total.add(value.mul(tf.tensor1d(weightsOf(key)))) as tf.Tensor1D;
    extras.push(value.mul(tf.tensor1d(weightsOf(key).map((v) => (v > 0 ? 1 : 0)))) as tf.Tensor1D);
  }
  const parts: tf.Tensor2D[] = [total.reshape([K, 1]), logitTerms];
  if (!x.soft) parts.push(tf.zeros([K, 1]));
  parts.push(tf.stack(extras, 1) as tf.Tensor2D);
  const values = tf.concat(parts, 1) as tf.Tensor2D; // (K, 6)
  return { total: total.sum() as tf.Scalar, values };
}
