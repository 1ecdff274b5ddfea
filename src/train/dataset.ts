// A task split on the device, and the batches cut from it. Uploaded once; a batch is a gather by
// row indices, so a step sends only B integers to the GPU.

import * as tf from '@tensorflow/tfjs';
import type { SequenceSet } from '../data/task';
import { mulberry32, randInt, type Rng } from '../rng';

export interface DeviceSet {
  count: number;
  seqLen: number;
  inputs: tf.Tensor2D; // (N, T) int32
  targets: tf.Tensor2D; // (N, T) int32
  hardMask: tf.Tensor2D; // (N, T)
  softMask: tf.Tensor2D; // (N, T)
  tokenMask: tf.Tensor2D; // (N, T)
}

export interface Batch {
  inputs: tf.Tensor2D; // (B, T) int32
  targets: tf.Tensor1D; // (B*T) int32
  hardMask: tf.Tensor1D; // (B*T)
  softMask: tf.Tensor1D; // (B*T)
  tokenMask: tf.Tensor2D; // (B, T)
}

export function uploadSet(s: SequenceSet): DeviceSet {
  const shape: [number, number] = [s.count, s.seqLen];
  return tf.tidy(() => ({
    count: s.count,
    seqLen: s.seqLen,
    inputs: tf.keep(tf.tensor2d(s.inputs, shape, 'int32')),
    targets: tf.keep(tf.tensor2d(s.targets, shape, 'int32')),
    hardMask: tf.keep(tf.tensor2d(s.hardMask, shape)),
    softMask: tf.keep(tf.tensor2d(s.softMask, shape)),
    tokenMask: tf.keep(tf.tensor2d(s.tokenMask, shape)),
  }));
}

export function disposeSet(s: DeviceSet): void {
  tf.dispose([s.inputs, s.targets, s.hardMask, s.softMask, s.tokenMask]);
}

/** Rows `rows` of a device set as a batch (call inside tf.tidy). */
export function gatherBatch(s: DeviceSet, rows: tf.Tensor1D): Batch {
  const B = rows.shape[0];
  const T = s.seqLen;
  return {
    inputs: tf.gather(s.inputs, rows), // (B, T)
    targets: tf.gather(s.targets, rows).reshape([B * T]), // (B*T)
    hardMask: tf.gather(s.hardMask, rows).reshape([B * T]), // (B*T)
    softMask: tf.gather(s.softMask, rows).reshape([B * T]), // (B*T)
    tokenMask: tf.gather(s.tokenMask, rows), // (B, T)
  };
}

/**
 * Seeded batch order. With a transfer set, each batch is half labelled rows and half transfer rows,
 * so the baseline (which learns from labels only) sees as many labelled rows per step as it would
 * without a transfer set; the distilled student sees the same rows plus the teacher's view of the
 * unlabelled half.
 */
export class BatchSampler {
  private readonly rng: Rng;

  constructor(
    seed: number,
    private readonly labelled: number,
    private readonly unlabelled: number,
  ) {
    this.rng = mulberry32(seed);
  }

  next(batchSize: number): Int32Array {
    const rows = new Int32Array(batchSize);
    const fromLabelled = this.unlabelled > 0 ? Math.ceil(batchSize / 2) : batchSize;
    for (let i = 0; i < batchSize; i++) {
      rows[i] = i < fromLabelled || this.unlabelled === 0 ? randInt(this.rng, this.labelled) : this.labelled + randInt(this.rng, this.unlabelled);
    }
    return rows;
  }
}
