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

// The sizes stored and the bias of a top-k target, in plain numbers: src/lossMath.ts.
export { bytesPerPosition, SPARSE_MODES, topKBias, type SparseMode, type TopKBias } from '../lossMath';

/**
 * 1 where a logit is among its row's k largest, else 0: (N, V) → (N, V). The rank of v is how many
 * logits beat it (larger, or equal at a smaller index: the order tf.topk breaks ties in). Written in
 * float ops over an (N, V, V) comparison, not with tf.topk's int32 indices: tfjs-backend-webgpu 4.22
 * miscompiles a transpose of int32 there (a WGSL type error; the kept set comes out wrong). The
 * vocabularies here are toy-sized, so V² per row is small.
 */
function topKSupport(logits: tf.Tensor2D, k: number): tf.Tensor2D {
  const [N, V] = logits.shape;
  const other = logits.reshape([N, 1, V]); // (N, 1, V): z_u
  const self = logits.reshape([N, V, 1]); // (N, V, 1): z_v
  const before = tf.linalg
    .bandPart(tf.ones([V, V]), 0, -1)
    .sub(tf.eye(V))
    .transpose(); // (V, V): 1 where u < v
  const beats = tf.greater(other, self).cast('float32').add(tf.equal(other, self).cast('float32').mul(before)); // (N, V, V)
  const rank = beats.sum(-1); // (N, V)
  return tf.less(rank, k).cast('float32') as tf.Tensor2D;
}

/** The teacher's softmax at T restricted to its k largest logits, renormalised. logits: (N, V) → (N, V). */
export function topKTargets(teacherLogits: tf.Tensor2D, temperature: number, k: number): tf.Tensor2D {
  const V = teacherLogits.shape[1];
  if (!Number.isInteger(k) || k < 1 || k > V) throw new Error(`top-k needs an integer k in [1, ${V}] (got ${k})`);
  const probs = tf.softmax(teacherLogits.div(temperature)); // (N, V)
  if (k === V) return probs as tf.Tensor2D;
  const kept = probs.mul(topKSupport(teacherLogits, k)); // (N, V)
  return kept.div(kept.sum(-1, true)) as tf.Tensor2D;
}

/**
 * k tokens drawn from the teacher's softmax at T by inverse CDF, as counts / k.
 * logits: (N, V); uniforms: (N, k) in [0, 1), the caller's seeded draws. Returns (N, V).
 * Float ops throughout (token ids as float32 counts): int32 reductions and one-hots take paths on
 * tfjs-backend-webgpu 4.22 that read back synchronously, which fails in a worker-less Node and stalls a page.
 */
export function sampledTargets(teacherLogits: tf.Tensor2D, temperature: number, uniforms: tf.Tensor2D): tf.Tensor2D {
  const [N, V] = teacherLogits.shape;
  const k = uniforms.shape[1];
  if (uniforms.shape[0] !== N || k < 1)
    throw new Error(`sampled-k needs (N, k) uniforms with N = ${N}, k ≥ 1 (got ${uniforms.shape.join('×')})`);
  const cdf = tf.cumsum(tf.softmax(teacherLogits.div(temperature)), 1); // (N, V)
  // Token of a draw u: how many cdf entries lie below u (clamped: float cumsums can end at 0.9999999).
  const below = tf.less(cdf.reshape([N, 1, V]), uniforms.reshape([N, k, 1])).cast('float32'); // (N, k, V)
  const token = below.sum(-1).minimum(V - 1); // (N, k) token ids, as floats
  // Summed over the last axis: a reduction over a middle axis transposes first, and on
  // tfjs-backend-webgpu 4.22 that transpose miscompiles for a bool cast to float32 (the WGSL type error).
  const ids = tf.range(0, V, 1, 'float32').reshape([1, V, 1]); // (1, V, 1)
  const counts = tf
    .equal(ids, token.reshape([N, 1, k]))
    .cast('float32')
    .sum(-1); // (N, V)
  return counts.div(k) as tf.Tensor2D;
}
