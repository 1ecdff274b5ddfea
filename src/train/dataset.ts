// A task split on the device, and the batches cut from it. Uploaded once; a batch is a gather by
// row indices, so a step sends only B integers to the GPU (and the loss normalisers, counted here).

import * as tf from '@tensorflow/tfjs';
import type { SequenceSet } from '../data/task';
import { Mulberry32, randInt } from '../rng';

export interface DeviceSet {
  count: number;
  seqLen: number;
  inputs: tf.Tensor2D; // (N, T) int32
  targets: tf.Tensor2D; // (N, T) int32
  hardMask: tf.Tensor2D; // (N, T)
  softMask: tf.Tensor2D; // (N, T)
  tokenMask: tf.Tensor2D; // (N, T)
  /**
   * Present when every row scores exactly one position (classification): that position per row as
   * a one-hot, and the target and masks there. Steps then run the output head and the losses at that
   * position only: T times less work there, and the same values.
   */
  scored?: {
    select: tf.Tensor2D; // (N, T) one-hot of the scored position
    targets: tf.Tensor1D; // (N) int32
    hardMask: tf.Tensor1D; // (N)
    softMask: tf.Tensor1D; // (N)
  };
  /** Host copies of Σ_t hardMask and Σ_t softMask per row: a batch's loss normalisers, counted on the CPU. */
  hardPerRow: Float32Array;
  softPerRow: Float32Array;
}

export interface Batch {
  inputs: tf.Tensor2D; // (B, T) int32
  /** (B, 1, T) one-hot of each row's scored position, when the set has `scored`. */
  select?: tf.Tensor3D;
  targets: tf.Tensor1D; // (N) int32: N = B with select, else B*T
  hardMask: tf.Tensor1D; // (N)
  softMask: tf.Tensor1D; // (N)
  /** (B, T), only when asked for (the intermediate terms). */
  tokenMask?: tf.Tensor2D;
  /** Σ hardMask and Σ softMask of the batch, counted on the host. */
  hardCount: number;
  softCount: number;
}

/** The one scored position of each row, or null when some row scores none or several. */
function singleScoredPositions(s: SequenceSet): Int32Array | null {
  const pos = new Int32Array(s.count);
  for (let i = 0; i < s.count; i++) {
    let found = -1;
    for (let t = 0; t < s.seqLen; t++) {
      const at = i * s.seqLen + t;
      if (s.softMask[at] === 0 && s.hardMask[at] === 0) continue;
      if (found >= 0) return null;
      found = t;
    }
    if (found < 0) return null;
    pos[i] = found;
  }
  return pos;
}

export function uploadSet(s: SequenceSet): DeviceSet {
  const shape: [number, number] = [s.count, s.seqLen];
  const T = s.seqLen;
  const rowSums = (mask: Float32Array) =>
    Float32Array.from({ length: s.count }, (_, i) => mask.subarray(i * T, (i + 1) * T).reduce((a, b) => a + b, 0));
  const pos = singleScoredPositions(s);
  return tf.tidy(() => {
    let scored: DeviceSet['scored'];
    if (pos) {
      const at = (src: Float32Array | Int32Array) => Array.from(pos, (t, i) => src[i * T + t]);
      const select = new Float32Array(s.count * T);
      pos.forEach((t, i) => (select[i * T + t] = 1));
      scored = {
        select: tf.keep(tf.tensor2d(select, shape)),
        targets: tf.keep(tf.tensor1d(at(s.targets), 'int32')),
        hardMask: tf.keep(tf.tensor1d(at(s.hardMask))),
        softMask: tf.keep(tf.tensor1d(at(s.softMask))),
      };
    }
    return {
      count: s.count,
      seqLen: s.seqLen,
      inputs: tf.keep(tf.tensor2d(s.inputs, shape, 'int32')),
      targets: tf.keep(tf.tensor2d(s.targets, shape, 'int32')),
      hardMask: tf.keep(tf.tensor2d(s.hardMask, shape)),
      softMask: tf.keep(tf.tensor2d(s.softMask, shape)),
      tokenMask: tf.keep(tf.tensor2d(s.tokenMask, shape)),
      ...(scored ? { scored } : {}),
      hardPerRow: rowSums(s.hardMask),
      softPerRow: rowSums(s.softMask),
    };
  });
}

export function disposeSet(s: DeviceSet): void {
  tf.dispose([s.inputs, s.targets, s.hardMask, s.softMask, s.tokenMask]);
  if (s.scored) tf.dispose([s.scored.select, s.scored.targets, s.scored.hardMask, s.scored.softMask]);
}

/** Rows `rows` of a device set as a batch (call inside tf.tidy); rowIdx is `rows` on the device. */
export function gatherBatch(
  s: DeviceSet,
  rows: Int32Array,
  rowIdx: tf.Tensor1D,
  opts: { tokenMask?: boolean } = {},
): Batch {
  const B = rows.length;
  const T = s.seqLen;
  let hardCount = 0;
  let softCount = 0;
  for (const r of rows) {
    hardCount += s.hardPerRow[r];
    softCount += s.softPerRow[r];
  }
  const common = {
    inputs: tf.gather(s.inputs, rowIdx), // (B, T)
    ...(opts.tokenMask ? { tokenMask: tf.gather(s.tokenMask, rowIdx) } : {}), // (B, T)
    hardCount,
    softCount,
  };
  if (s.scored) {
    return {
      ...common,
      select: tf.gather(s.scored.select, rowIdx).reshape([B, 1, T]) as tf.Tensor3D, // (B, 1, T)
      targets: tf.gather(s.scored.targets, rowIdx), // (B)
      hardMask: tf.gather(s.scored.hardMask, rowIdx), // (B)
      softMask: tf.gather(s.scored.softMask, rowIdx), // (B)
    };
  }
  return {
    ...common,
    targets: tf.gather(s.targets, rowIdx).reshape([B * T]), // (B*T)
    hardMask: tf.gather(s.hardMask, rowIdx).reshape([B * T]), // (B*T)
    softMask: tf.gather(s.softMask, rowIdx).reshape([B * T]), // (B*T)
  };
}

/**
 * Seeded batch order. With a transfer set, each batch is half labelled rows and half transfer rows,
 * so the baseline (which learns from labels only) sees as many labelled rows per step as it would
 * without a transfer set; the distilled student sees the same rows plus the teacher's view of the
 * unlabelled half.
 */
export class BatchSampler {
  private readonly stream: Mulberry32;

  constructor(
    seed: number,
    private readonly labelled: number,
    private readonly unlabelled: number,
  ) {
    this.stream = new Mulberry32(seed);
  }

  /** Where the batch order is: the generator's state (a checkpoint stores it; see src/train/checkpoint.ts). */
  get state(): number {
    return this.stream.state;
  }

  set state(s: number) {
    this.stream.state = s >>> 0;
  }

  next(batchSize: number): Int32Array {
    const rows = new Int32Array(batchSize);
    const rng = this.stream.next;
    const fromLabelled = this.unlabelled > 0 ? Math.ceil(batchSize / 2) : batchSize;
    for (let i = 0; i < batchSize; i++) {
      rows[i] =
        i < fromLabelled || this.unlabelled === 0
          ? randInt(rng, this.labelled)
          : this.labelled + randInt(rng, this.unlabelled);
    }
    return rows;
  }
}
