// What every task gives the trainer: a vocabulary, encode/decode, and padded next-token
// splits with masks that say which positions are scored. Plain typed arrays, no tfjs:
// tasks are built in Node, in the worker, and in tests alike.

import type { TaskId } from '../config';

export type TaskKind = 'classification' | 'generation';

/**
 * A set of sequences laid out for next-token prediction, each padded to `seqLen`.
 * Row i, position t: the model reads inputs[i*seqLen + t] and should predict targets[i*seqLen + t].
 */
export interface SequenceSet {
  count: number;
  seqLen: number;
  /** (count, seqLen) input token ids; padding positions hold PAD. */
  inputs: Int32Array;
  /** (count, seqLen) next-token ids; 0 where not scored. */
  targets: Int32Array;
  /** (count, seqLen) 1 where the hard-label (cross-entropy) term scores the position. */
  hardMask: Float32Array;
  /** (count, seqLen) 1 where the teacher-driven terms score the position (includes unlabelled rows). */
  softMask: Float32Array;
  /** (count, seqLen) 1 on real (non-padding) input tokens: what intermediate terms average over. */
  tokenMask: Float32Array;
  /**
   * Where the task knows it: the true next-token distribution at each position, (count, seqLen, vocab),
   * zero rows where not scored. Only on validation/test splits.
   */
  trueNext?: Float32Array;
}

export interface TaskClass {
  name: string;
  /** The vocabulary id of the label token the model predicts. */
  tokenId: number;
}

export interface Task {
  id: TaskId;
  title: string;
  /** One or two sentences for the UI: what the model learns and why distillation helps. */
  description: string;
  kind: TaskKind;
  vocab: readonly string[];
  /** Classification only: the label tokens, in class order (ordered classes stay ordered). */
  classes?: readonly TaskClass[];
  /** Model block size needed by this task (= seqLen of every split). */
  seqLen: number;
  /** The teacher's (large, labelled) training set. */
  teacherTrain: SequenceSet;
  /**
   * The student's training set, shared by distilled student and baseline: the first
   * `labelled` rows carry labels (hardMask), the rest are the unlabelled transfer set.
   */
  train: SequenceSet;
  val: SequenceSet;
  test: SequenceSet;
  /** Encodes a user prompt into input ids the model reads (e.g. [BOS, w1, …, SEP] for classification). */
  encodePrompt(text: string): number[];
  decode(ids: readonly number[]): string;
  /** A few ready inputs for the predictions panel. */
  examples: readonly string[];
  /** Generation tasks: the true next-token distribution after a prompt, where the task knows it. */
  trueNextAfter?(ids: readonly number[]): Float32Array | null;
}

export interface TaskOptions {
  seed: number;
  /** Rows of the student's training set that carry labels. */
  labelled: number;
  /** Unlabelled rows added after them (the transfer set). */
  transfer: number;
}

export class DataError extends Error {
  override name = 'DataError';
}
