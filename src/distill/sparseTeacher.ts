// Sparse teachers (issue 13): at LLM scale nobody caches a teacher's whole distribution per token
// (V floats), only a few entries of it. Two ways, with opposite failure modes:
//
//   top-k      keep the k most probable tokens, renormalised to sum to 1. Cheap and low-variance,
//              but biased: the tail mass 1 − Σ top-k is moved onto the head, so the student is taught
//              a teacher more confident than the real one.
//   sampled-k  draw k tokens from the teacher's distribution and use their counts / k. Unbiased —
//              E[counts / k] = p, so the expected cross-entropy gradient (q − target) equals the full
//              one — but noisy: with small k most tail tokens get 0 in any one draw.
//
// Both return dense (N, V) targets (zeros off the support) so every soft term of divergences.ts and
// the fused step's cross-entropy can use them unchanged; the saving is in what is stored, which
// bytesPerPosition (src/lossMath.ts) counts. Sampling takes its uniforms from the caller (the project's seeded rng), so
// the same draw happens on every backend: inverse-CDF against a cumsum, not tf.multinomial, whose
// random streams differ between backends.

import * as tf from '@tensorflow/tfjs';
import { oneHotFloat } from '../model/oneHot';

// The sizes stored and the bias of a top-k target, in plain numbers: src/lossMath.ts.
export { bytesPerPosition, SPARSE_MODES, topKBias, type SparseMode, type TopKBias } from '../lossMath';

/** The teacher's softmax at T restricted to its k largest logits, renormalised. logits: (N, V) → (N, V). */
export function topKTargets(teacherLogits: tf.Tensor2D, temperature: number, k: number): tf.Tensor2D {
  const [N, V] = teacherLogits.shape;
  if (!Number.isInteger(k) || k < 1 || k > V) throw new Error(`top-k needs an integer k in [1, ${V}] (got ${k})`);
  const probs = tf.softmax(teacherLogits.div(temperature)); // (N, V)
  if (k === V) return probs as tf.Tensor2D;
  const { indices } = tf.topk(teacherLogits, k); // (N, k) int32
  const support = oneHotFloat(indices.reshape([N * k]) as tf.Tensor1D, V)
    .reshape([N, k, V])
    .sum(1); // (N, V) 0/1
  const kept = probs.mul(support); // (N, V)
  return kept.div(kept.sum(-1, true)) as tf.Tensor2D;
}

/**
 * k tokens drawn from the teacher's softmax at T by inverse CDF, as counts / k.
 * logits: (N, V); uniforms: (N, k) in [0, 1), the caller's seeded draws. Returns (N, V).
 */
export function sampledTargets(teacherLogits: tf.Tensor2D, temperature: number, uniforms: tf.Tensor2D): tf.Tensor2D {
  const [N, V] = teacherLogits.shape;
  const k = uniforms.shape[1];
  if (uniforms.shape[0] !== N || k < 1)
    throw new Error(`sampled-k needs (N, k) uniforms with N = ${N}, k ≥ 1 (got ${uniforms.shape.join('×')})`);
  const cdf = tf.cumsum(tf.softmax(teacherLogits.div(temperature)), 1); // (N, V)
  // Token of a draw u: how many cdf entries lie below u (clamped: float cumsums can end at 0.9999999).
  const below = cdf.reshape([N, 1, V]).less(uniforms.reshape([N, k, 1])); // (N, k, V) bool
  const token = below
    .cast('int32')
    .sum(-1)
    .minimum(tf.scalar(V - 1, 'int32')); // (N, k) int32
  const counts = oneHotFloat(token.reshape([N * k]) as tf.Tensor1D, V)
    .reshape([N, k, V])
    .sum(1); // (N, V)
  return counts.div(k) as tf.Tensor2D;
}
