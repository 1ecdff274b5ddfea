// Evaluation: run a model over a split in fixed-size chunks, keep only the scored positions, and read
// the probabilities back once per chunk. For classification the distribution is over the class tokens
// only (renormalised), which is what accuracy, F1 and calibration are about.

import * as tf from '@tensorflow/tfjs';
import type { SequenceSet, Task } from '../data/task';
import type { GPT } from '../model/gpt';
import type { ModelMetrics } from '../report';
import { computeMetrics, type Scored } from './metrics';

const CHUNK = 128;

/** The scored positions of a split, as flat (row·T + t) indices per chunk, fixed for the whole run. */
export interface ScoredIndex {
  chunks: { start: number; rows: number; flat: Int32Array }[];
  /** (M) true outcome per scored position, in 0..K-1 (class index, or token id for generation). */
  labels: Int32Array;
  /** (M, V) true distributions where the task knows them. */
  truth?: Float32Array;
  k: number;
  /** Vocabulary columns kept (class tokens), or null for the whole vocabulary. */
  columns: Int32Array | null;
}

export function indexSplit(task: Task, split: SequenceSet, maxRows = split.count): ScoredIndex {
  const T = split.seqLen;
  const V = task.vocab.length;
  const rows = Math.min(maxRows, split.count);
  const columns = task.classes ? Int32Array.from(task.classes.map((c) => c.tokenId)) : null;
  const classOf = new Map<number, number>();
  task.classes?.forEach((c, i) => classOf.set(c.tokenId, i));
  const chunks: ScoredIndex['chunks'] = [];
  const labels: number[] = [];
  const truth: number[] = [];
  for (let start = 0; start < rows; start += CHUNK) {
    const n = Math.min(CHUNK, rows - start);
    const flat: number[] = [];
    for (let r = 0; r < n; r++) {
      for (let t = 0; t < T; t++) {
        const at = (start + r) * T + t;
        if (split.hardMask[at] !== 1) continue;
        flat.push(r * T + t);
        const target = split.targets[at];
        labels.push(columns ? (classOf.get(target) ?? 0) : target);
        if (split.trueNext && !columns) for (let v = 0; v < V; v++) truth.push(split.trueNext[at * V + v]);
      }
    }
    chunks.push({ start, rows: n, flat: Int32Array.from(flat) });
  }
  return {
    chunks,
    labels: Int32Array.from(labels),
    truth: truth.length ? Float32Array.from(truth) : undefined,
    k: columns ? columns.length : V,
    columns,
  };
}

/** Probabilities (M, K) of a model at the scored positions of a split. */
export async function scoredProbs(model: GPT, split: SequenceSet, index: ScoredIndex): Promise<Float32Array> {
  const T = split.seqLen;
  const out = new Float32Array(index.labels.length * index.k);
  let offset = 0;
  for (const chunk of index.chunks) {
    if (!chunk.flat.length) continue;
    const probs = tf.tidy(() => {
      const ids = tf.tensor2d(
        split.inputs.subarray(chunk.start * T, (chunk.start + chunk.rows) * T),
        [chunk.rows, T],
        'int32',
      );
      const logits = model.forward(ids).logits; // (B, T, V)
      const flat = logits.reshape([chunk.rows * T, -1]) as tf.Tensor2D; // (B*T, V)
      let picked = tf.gather(flat, tf.tensor1d(chunk.flat, 'int32')); // (M_chunk, V)
      if (index.columns) picked = tf.gather(picked, tf.tensor1d(index.columns, 'int32'), 1); // (M_chunk, K)
      return tf.softmax(picked);
    });
    const values = (await probs.data()) as Float32Array;
    probs.dispose();
    out.set(values, offset);
    offset += values.length;
  }
  return out;
}

export async function evaluateModel(
  model: GPT,
  task: Task,
  split: SequenceSet,
  index: ScoredIndex,
  teacherProbs?: Float32Array,
): Promise<{ metrics: ModelMetrics; probs: Float32Array }> {
  const probs = await scoredProbs(model, split, index);
  const scored: Scored = { probs, k: index.k, labels: index.labels };
  const metrics = computeMetrics(scored, {
    classification: task.kind === 'classification',
    teacher: teacherProbs,
    truth: index.truth,
  });
  return { metrics, probs };
}
