// Batched ancestral sampling from a GPT at temperature 1: B sequences from BOS until each emits EOS
// or the block size is reached. The on-policy student samples its own prefixes with it, the teacher
// its sequence-level transfer corpus, and the grammar lab every model's generations.
//
// Reproducible on every backend: the device computes the next-token softmax, the host draws the
// token from it with uniforms from src/rng.ts (tfjs's tf.multinomial draws differently on each
// backend). Backends then give the same tokens unless a uniform falls within float32 rounding of a
// CDF boundary. Each row has its own stream, derived from the seed and the row's index, so a row's
// tokens do not depend on how many rows are drawn with it or when the others finish. No KV cache: each step runs the prefix so far, (B, t + 1), which at these block
// sizes (≤ 32) is cheaper than the bookkeeping, and causality makes the result the same.

import * as tf from '@tensorflow/tfjs';
import { BOS, PAD } from '../data/sequences';
import type { ModelConfig } from '../config';
import type { GPT } from '../model/gpt';
import { deriveSeed, mulberry32 } from '../rng';

/** What sampling needs of a model: its sizes and a forward pass (a GPT, or a stand-in with forced logits in tests). */
export type SamplingModel = Pick<GPT, 'forward'> & { config: Pick<ModelConfig, 'blockSize' | 'vocabSize'> };

export interface SampledBatch {
  /** Sequences drawn. */
  count: number;
  /** Tokens per row: blockSize + 1 (BOS plus at most blockSize generated tokens). */
  width: number;
  /** (count, width) token ids: BOS, the sampled tokens, then PAD after EOS or the end. */
  tokens: Int32Array;
  /** Tokens per row, BOS and EOS included. */
  lengths: Int32Array;
  /**
   * (count, width − 1, V) the model's next-token distribution at each input position, the one the
   * next token was drawn from; zeros past a row's last input position. Only with keepProbs.
   */
  probs?: Float32Array;
}

export interface SampleOptions {
  /** The end-of-sentence token: a row stops after drawing it. */
  eos: number;
  /** Keep the distributions the tokens were drawn from (for entropy and KL metrics). */
  keepProbs?: boolean;
  /** Index of the first row in the whole draw (sampleMany): row i uses the stream of row firstRow + i. */
  firstRow?: number;
}

/** Row r's uniforms under `seed`. */
function rowRng(seed: number, r: number) {
  return mulberry32(deriveSeed(seed, `sample:${r}`));
}

/** Draws an index from a distribution with the uniform u (inverse CDF; last index on round-off). */
export function drawFrom(p: ArrayLike<number>, offset: number, size: number, u: number): number {
  let total = 0;
  for (let v = 0; v < size; v++) total += p[offset + v];
  let r = u * total;
  for (let v = 0; v < size; v++) {
    r -= p[offset + v];
    if (r < 0) return v;
  }
  // u·total fell past the last non-zero entry by round-off: take the last token with mass.
  for (let v = size - 1; v >= 0; v--) if (p[offset + v] > 0) return v;
  return size - 1;
}

/** Samples `count` sequences from `model`: one uniform per token from each row's stream. Leaves no tensor behind. */
export async function sampleSequences(
  model: SamplingModel,
  count: number,
  seed: number,
  opts: SampleOptions,
): Promise<SampledBatch> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`sampling needs a whole count ≥ 1 (got ${count})`);
  const T = model.config.blockSize;
  const V = model.config.vocabSize;
  if (opts.eos < 0 || opts.eos >= V) throw new Error(`EOS id ${opts.eos} is outside the vocabulary of ${V}`);
  const width = T + 1;
  const tokens = new Int32Array(count * width).fill(PAD);
  const lengths = new Int32Array(count).fill(1);
  const probs = opts.keepProbs ? new Float32Array(count * T * V) : undefined;
  for (let i = 0; i < count; i++) tokens[i * width] = BOS;
  const rngs = Array.from({ length: count }, (_, i) => rowRng(seed, (opts.firstRow ?? 0) + i));
  const done = new Uint8Array(count); // 1 once a row has drawn EOS
  let live = count;
  for (let t = 0; t < T && live > 0; t++) {
    // The prefix so far as (count, t + 1); finished rows ride along (their tokens past EOS are PAD).
    const prefix = new Int32Array(count * (t + 1));
    for (let i = 0; i < count; i++) prefix.set(tokens.subarray(i * width, i * width + t + 1), i * (t + 1));
    const next = tf.tidy(() => {
      const ids = tf.tensor2d(prefix, [count, t + 1], 'int32'); // (B, t+1)
      const logits = model.forward(ids).logits; // (B, t+1, V)
      const last = logits.slice([0, t, 0], [count, 1, V]).reshape([count, V]); // (B, V)
      return tf.softmax(last); // (B, V)
    });
    const p = (await next.data()) as Float32Array; // (B, V)
    next.dispose();
    for (let i = 0; i < count; i++) {
      if (done[i]) continue;
      const token = drawFrom(p, i * V, V, rngs[i]());
      tokens[i * width + t + 1] = token;
      lengths[i] = t + 2;
      if (probs) probs.set(p.subarray(i * V, (i + 1) * V), (i * T + t) * V);
      if (token === opts.eos) {
        done[i] = 1;
        live--;
      }
    }
  }
  return { count, width, tokens, lengths, ...(probs ? { probs } : {}) };
}

/** Row i of a sampled batch as a token list [BOS, …] of its own length. */
export function sampledRow(s: SampledBatch, i: number): number[] {
  return Array.from(s.tokens.subarray(i * s.width, i * s.width + s.lengths[i]));
}

/** Row i's kept distributions, one (V) array per input position (needs keepProbs). */
export function sampledProbs(s: SampledBatch, i: number, vocabSize: number): Float32Array[] {
  if (!s.probs) throw new Error('the batch was sampled without keepProbs');
  const T = s.width - 1;
  return Array.from({ length: s.lengths[i] - 1 }, (_, t) =>
    s.probs!.slice((i * T + t) * vocabSize, (i * T + t + 1) * vocabSize),
  );
}

/** Draws `total` sequences in batches of at most `batch` (rows keep their streams: the split does not change the tokens). */
export async function sampleMany(
  model: SamplingModel,
  total: number,
  batch: number,
  seed: number,
  opts: SampleOptions,
): Promise<SampledBatch[]> {
  const out: SampledBatch[] = [];
  for (let done = 0; done < total; done += batch) {
    out.push(await sampleSequences(model, Math.min(batch, total - done), seed, { ...opts, firstRow: done }));
  }
  return out;
}
