// Looking inside a model on one input, for the predictions panel: the logits at the scored position
// (over the class tokens for classification, the whole vocabulary for generation), every layer's
// attention maps per head, continuations of a prompt, and the latency of one forward pass.
// Pure tfjs, no DOM: the worker calls it, and so can tests and the CLI.

import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt';
import { mulberry32, sampleIndex } from '../rng';
import { softmaxRows } from './metrics';

export interface Inspection {
  /** Logits at the last prompt position, over `columns` (or the whole vocabulary). */
  logits: Float32Array;
  /** attention[layer][head]: row-major (L, L) over the prompt. */
  attention: Float32Array[][];
}

/** Input ids of one prompt as the (1, L) tensor the model reads, cut to its block size (BOS kept). */
export function windowIds(ids: readonly number[], blockSize: number): number[] {
  if (ids.length <= blockSize) return [...ids];
  return [ids[0], ...ids.slice(ids.length - (blockSize - 1))];
}

/** Logits at the last position and the attention maps of every layer and head. */
export async function inspectModel(
  model: GPT,
  ids: readonly number[],
  columns: readonly number[] | null,
): Promise<Inspection> {
  const input = windowIds(ids, model.config.blockSize);
  const L = input.length;
  const nh = model.config.nHead;
  const [logits, att] = tf.tidy(() => {
    const out = model.forward(tf.tensor2d(input, [1, L], 'int32'), { collect: true });
    let last = out.logits.slice([0, L - 1, 0], [1, 1, -1]).reshape([-1]) as tf.Tensor1D; // (V)
    if (columns) last = tf.gather(last, tf.tensor1d(Array.from(columns), 'int32')); // (K)
    const maps = tf.concat(
      out.attention!.map((a) => a.reshape([nh, L, L])),
      0,
    ); // (nLayer*nh, L, L)
    return [last, maps];
  });
  const [lv, av] = await Promise.all([logits.data(), att.data()]);
  tf.dispose([logits, att]);
  const attention: Float32Array[][] = [];
  for (let l = 0; l < model.config.nLayer; l++) {
    const heads: Float32Array[] = [];
    for (let h = 0; h < nh; h++) {
      const at = (l * nh + h) * L * L;
      heads.push(Float32Array.from(av.subarray(at, at + L * L)));
    }
    attention.push(heads);
  }
  return { logits: Float32Array.from(lv), attention };
}

/** Next-token logits after `ids` (the whole vocabulary). */
async function nextLogits(model: GPT, ids: readonly number[]): Promise<Float32Array> {
  const input = windowIds(ids, model.config.blockSize);
  const L = input.length;
  const t = tf.tidy(() => model.forward(tf.tensor2d(input, [1, L], 'int32')).logits.slice([0, L - 1, 0], [1, 1, -1]));
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

export interface ContinueOptions {
  /** New tokens at most. */
  maxNew: number;
  /** Stop after emitting this token (e.g. EOS). */
  stopId?: number;
  /** Sample at T = 1 from this seed; greedy (argmax) when absent. */
  seed?: number;
  /** Tokens never emitted (e.g. PAD, BOS). */
  banned?: readonly number[];
}

/** Continues a prompt token by token; returns only the new ids. */
export async function continuePrompt(model: GPT, ids: readonly number[], o: ContinueOptions): Promise<number[]> {
  const rng = o.seed === undefined ? null : mulberry32(o.seed);
  const seq = [...ids];
  const out: number[] = [];
  for (let i = 0; i < o.maxNew; i++) {
    const logits = await nextLogits(model, seq);
    for (const b of o.banned ?? []) logits[b] = -Infinity;
    let next = 0;
    if (rng) {
      next = sampleIndex(rng, softmaxRows(logits, logits.length));
    } else {
      for (let j = 1; j < logits.length; j++) if (logits[j] > logits[next]) next = j;
    }
    out.push(next);
    seq.push(next);
    if (next === o.stopId) break;
  }
  return out;
}

/** Wall time in ms of one batch-1 forward pass over `ids`, read back to the host. */
export async function timeForward(model: GPT, ids: readonly number[]): Promise<number> {
  const t0 = performance.now();
  await nextLogits(model, ids);
  return performance.now() - t0;
}

/**
 * Median batch-1 forward latency (ms) of each model, after one warm-up each. The models take turns
 * rep by rep, so a slow moment of the device (another tab, a background job) hits all of them alike.
 */
export async function forwardLatencies<K extends string>(
  models: Record<K, GPT>,
  ids: readonly number[],
  reps = 5,
): Promise<Record<K, number>> {
  const keys = Object.keys(models) as K[];
  for (const k of keys) await timeForward(models[k], ids);
  const times = new Map<K, number[]>(keys.map((k) => [k, []]));
  for (let r = 0; r < reps; r++) for (const k of keys) times.get(k)!.push(await timeForward(models[k], ids));
  const out = {} as Record<K, number>;
  for (const k of keys) {
    const t = times.get(k)!.sort((a, b) => a - b);
    out[k] = t[Math.floor(t.length / 2)];
  }
  return out;
}
