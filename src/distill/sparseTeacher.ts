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
 * 1 where a logit is at least its row's k-th largest, else 0: (N, V) → (N, V). Ties at the k-th value
 * are all kept (so a row may keep more than k tokens when logits tie exactly; kd_train.py does the
 * same). From tf.topk's values only, compared in float: on tfjs-backend-webgpu 4.22 the one-hot of
 * its int32 indices summed over the middle axis goes through a transpose that miscompiles for int32
 * (a WGSL type error; the kept set came out wrong).
 */
function topKSupport(logits: tf.Tensor2D, k: number): tf.Tensor2D {
  const N = logits.shape[0];
  const kth = tf.topk(logits, k).values.slice([0, k - 1], [N, 1]); // (N, 1) the k-th largest logit
  return tf.greaterEqual(logits, kth).cast('float32') as tf.Tensor2D; // (N, V)
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
