// The frozen teacher's outputs over a training set, computed row by row as batches first need them
// and kept after. The teacher never changes during distillation, so each row is computed once: a run
// starts stepping at once instead of first running the teacher over the whole set (110 s on the
// browser's cpu fallback for the default scenario), and the cost is spread over the first steps.
//
// The cache holds the raw logits, (N·S, V) with S scored positions per row (1 for classification,
// the sequence length otherwise), so T can still change live; the teacher's softmax at the current
// T is kept beside it and updated row by row too. Once every row a batch needs is cached a step
// costs exactly what a step on an eagerly filled cache costs: a host-side check of B flags, then the
// same gathers from the same two tensors.
//
// New rows are written with tensorScatterUpdate. The rows a batch misses are padded to a power of
// two (repeating the first of them: duplicate indices write identical values) so the teacher's
// forward runs at a handful of shapes only (WebGPU compiles a pipeline per shape).

import * as tf from '@tensorflow/tfjs';
import { teacherTargets, type TeacherTargets } from '../distill/stepLoss';

/** Computes the teacher's logits at the scored positions of training rows `rows`: (rows·S, V). Called inside tf.tidy. */
export type TeacherRows = (rows: Int32Array) => tf.Tensor2D;

/** The smallest power of two ≥ n (at least 1). */
export function bucketSize(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export class TeacherCache {
  /** 1 where row i is cached. */
  readonly have: Uint8Array;
  private missing: number;
  /** (N·S, V) raw logits; zeros where not cached yet. */
  private logits: tf.Tensor2D;
  /** softmax(logits / T) and its offsets at the temperature last asked for, as (N·S, V) and (N·S, 2). */
  private targets: TeacherTargets | null = null;
  /** Rows the teacher has been run on (its forward passes count them, padding included). */
  teacherRows = 0;

  constructor(
    readonly count: number,
    /** Scored positions per row. */
    readonly perRow: number,
    readonly vocab: number,
    private readonly compute: TeacherRows,
  ) {
    this.have = new Uint8Array(count);
    this.missing = count;
    this.logits = tf.zeros([count * perRow, vocab]);
  }

  /** True once every row is cached. */
  get complete(): boolean {
    return this.missing === 0;
  }

  /** Rows cached so far. */
  get cached(): number {
    return this.count - this.missing;
  }

  /** The distinct rows of `rows` not cached yet. */
  private missingOf(rows: Int32Array): number[] {
    if (this.missing === 0) return [];
    const out: number[] = [];
    for (const r of rows) {
      if (this.have[r] === 0) {
        this.have[r] = 2; // marks "seen in this call" so duplicates count once
        out.push(r);
      }
    }
    for (const r of out) this.have[r] = 0;
    return out;
  }

  /**
   * Makes sure every row of `rows` is cached, running the teacher on those that are not (padded to a
   * power of two). Returns how many rows it computed.
   */
  ensure(rows: Int32Array): number {
    const need = this.missingOf(rows);
    if (need.length) this.add(need);
    return need.length;
  }

  /** Runs the teacher on `rows` (distinct, none cached yet) and writes them into the cache. */
  private add(rows: number[]): void {
    const P = bucketSize(rows.length);
    const idx = new Int32Array(P).fill(rows[0]);
    idx.set(rows);
    const S = this.perRow;
    const V = this.vocab;
    const N = this.count;
    const T = this.targets?.temperature;
    const next = tf.tidy(() => {
      const fresh = this.compute(idx); // (P·S, V)
      const at = tf.tensor2d(idx, [P, 1], 'int32');
      const logits = tf
        .tensorScatterUpdate(this.logits.reshape([N, S * V]), at, fresh.reshape([P, S * V]))
        .reshape([N * S, V]);
      if (!this.targets) return [logits];
      const t = teacherTargets(fresh, this.targets.temperature);
      const probs = tf
        .tensorScatterUpdate(this.targets.probs.reshape([N, S * V]), at, t.probs.reshape([P, S * V]))
        .reshape([N * S, V]);
      const offsets = tf
        .tensorScatterUpdate(this.targets.offsets.reshape([N, S * 2]), at, t.offsets.reshape([P, S * 2]))
        .reshape([N * S, 2]);
      return [logits, probs, offsets];
    }) as tf.Tensor2D[];
    this.logits.dispose();
    this.logits = next[0];
    if (this.targets) tf.dispose([this.targets.probs, this.targets.offsets]);
    this.targets = T === undefined ? null : { temperature: T, probs: next[1], offsets: next[2] };
    for (const r of rows) this.have[r] = 1;
    this.missing -= rows.length;
    this.teacherRows += P;
  }

  /**
   * Fills every row not cached yet, `chunk` rows per teacher forward, reading each chunk back (so the
   * device drains and a worker answers messages). Returns false when `stopped` turned true part way;
   * the rows done so far stay cached.
   */
  async fillAll(
    opts: { chunk?: number; onProgress?(done: number, total: number): void; stopped?(): boolean } = {},
  ): Promise<boolean> {
    const chunk = opts.chunk ?? 128;
    let start = 0;
    while (this.missing > 0) {
      if (opts.stopped?.()) return false;
      const rows: number[] = [];
      for (; start < this.count && rows.length < chunk; start++) if (!this.have[start]) rows.push(start);
      this.add(rows);
      await this.logits.data();
      opts.onProgress?.(this.cached, this.count);
    }
    return true;
  }

  /** The raw logits, (N·S, V): rows not cached yet are zeros. Owned by the cache (do not dispose). */
  get rawLogits(): tf.Tensor2D {
    return this.logits;
  }

  /** The teacher's softmax at temperature T over every row (rebuilt only when T changes; uncached rows are uniform). */
  at(temperature: number): TeacherTargets {
    if (this.targets?.temperature !== temperature) {
      if (this.targets) tf.dispose([this.targets.probs, this.targets.offsets]);
      this.targets = tf.tidy(() => {
        const t = teacherTargets(this.logits, temperature);
        return { temperature, probs: tf.keep(t.probs), offsets: tf.keep(t.offsets) };
      });
    }
    return this.targets;
  }

  dispose(): void {
    this.logits.dispose();
    if (this.targets) tf.dispose([this.targets.probs, this.targets.offsets]);
    this.targets = null;
  }
}
