// Sequence-level (black-box) distillation (Kim & Rush 2016): the teacher writes a transfer corpus by
// sampling M sentences, and the student learns that corpus with plain cross-entropy, as if it were
// labelled data. Only the teacher's outputs are needed, never its logits: the setting of distilling
// from a model behind an API. Here it uses the hard-label path of the normal step: packSequences's
// layout, the model's forward, hard cross-entropy and AdamW.

import * as tf from '@tensorflow/tfjs';
import { packSequences } from '../data/sequences';
import type { SequenceSet } from '../data/task';
import { hardCrossEntropy } from '../distill/losses';
import type { GPT } from '../model/gpt';
import { deriveSeed } from '../rng';
import { AdamW, type AdamWOptions } from './adamw';
import { BatchSampler, disposeSet, gatherBatch, uploadSet, type DeviceSet } from './dataset';
import { sampleMany, sampledRow, type SamplingModel } from './sampling';

/** Sentences the teacher samples per forward pass while writing a corpus. */
const CORPUS_BATCH = 256;

/**
 * M sentences sampled from `teacher` (seeded), as token lists [BOS, …, EOS] (or cut at the block
 * size), and packed for next-token training: every position scored, every row labelled.
 */
export async function transferCorpus(
  teacher: SamplingModel,
  size: number,
  seed: number,
  eos: number,
): Promise<{ sentences: number[][]; set: SequenceSet }> {
  if (!Number.isInteger(size) || size < 1) throw new Error(`the transfer corpus needs a whole size ≥ 1 (got ${size})`);
  const batches = await sampleMany(teacher, size, CORPUS_BATCH, deriveSeed(seed, 'corpus'), { eos });
  const sentences = batches.flatMap((b) => Array.from({ length: b.count }, (_, i) => sampledRow(b, i)));
  const set = packSequences(sentences, { seqLen: teacher.config.blockSize, score: 'all' });
  return { sentences, set };
}

/** Trains a model with hard-label cross-entropy on the scored positions of one sequence set. */
export class CrossEntropyStep {
  private readonly set: DeviceSet;
  private readonly sampler: BatchSampler;
  private readonly opt: AdamW;

  constructor(
    readonly model: GPT,
    set: SequenceSet,
    seed: number,
    adam: AdamWOptions,
  ) {
    this.set = uploadSet(set);
    this.sampler = new BatchSampler(deriveSeed(seed, 'batches:sequence-kd'), set.count, 0);
    this.opt = new AdamW(model.variables(), adam);
  }

  /** One update on a batch of `batchSize` rows; returns the (kept) scalar loss. */
  step(batchSize: number, lr: number): tf.Scalar {
    const rows = this.sampler.next(batchSize);
    return tf.tidy(() => {
      const b = gatherBatch(this.set, rows, tf.tensor1d(rows, 'int32'));
      return this.opt.minimize(() => {
        const out = this.model.forward(b.inputs, { training: true, select: b.select }).logits; // (B, T, V) or (B, 1, V)
        const logits = out.reshape([-1, out.shape[2]]) as tf.Tensor2D; // (N, V)
        return hardCrossEntropy(logits, b.targets, b.hardMask);
      }, lr);
    });
  }

  /** Disposes the uploaded set and the optimizer state (not the model). */
  dispose(): void {
    disposeSet(this.set);
    this.opt.dispose();
  }
}
