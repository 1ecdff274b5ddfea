// Shared plumbing for the task generators: special tokens, word splitting, and packing token
// sequences into the padded next-token layout of `SequenceSet` with its three masks.
//
// Layout (see task.ts): a sequence s = [BOS, …] of length n gives inputs s[0..n-2] and targets
// s[1..n-1], padded with PAD up to seqLen. Which positions score:
//  - 'label' (classification, s = [BOS, w1..wk, SEP, LABEL]): only the last position, whose input is
//    SEP and whose target is LABEL;
//  - 'all' (generation): every position whose target is a real next token (EOS included).
// hardMask = scored positions of rows < `labelled`; softMask = scored positions of every row;
// tokenMask = 1 on non-pad input tokens; targets = 0 wherever nothing is scored.

import type { SequenceSet } from './task';
import { DataError } from './task';

export const PAD = 0;
export const BOS = 1;
export const PAD_TOKEN = '<pad>';
export const BOS_TOKEN = '<bos>';
export const SEP_TOKEN = '<sep>';
export const EOS_TOKEN = '<eos>';
export const UNK_TOKEN = '<unk>';

/** Scripts written without spaces between words (Chinese, Japanese kana): one token per character. */
const UNSPACED = '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}';
const WORD = new RegExp(`[${UNSPACED}]|(?:(?![${UNSPACED}])[\\p{L}\\p{N}\\p{M}])+`, 'gu');

/**
 * The word tokenizer of every word-level task and of `predict` on their models: lower-cased runs of
 * letters, digits and combining marks ("don't" → "don", "t"; punctuation and spaces separate), except
 * that each Han or kana character is a token of its own. Chinese has no spaces between words, so
 * runs of Han would make every clause one "word" and every unseen sentence <unk>; per-character
 * tokens are what Chinese text classifiers without a segmenter use (Intl.Segmenter's word
 * granularity would need the same ICU data in every browser and Node, and a vocabulary of its words).
 */
export function splitWords(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

const UNSPACED_CHAR = new RegExp(`^[${UNSPACED}]$`, 'u');

/** Words back into text: a space between two words unless one of them is a Han or kana character. */
export function joinWords(words: readonly string[]): string {
  let out = '';
  words.forEach((w, i) => {
    if (i > 0 && !UNSPACED_CHAR.test(w) && !UNSPACED_CHAR.test(words[i - 1])) out += ' ';
    out += w;
  });
  return out;
}

/** The character tokenizer of the text task: code points (an emoji or a CJK Extension B character is one), line ends as "\n". */
export function splitChars(text: string): string[] {
  return Array.from(text.replace(/\r\n?/g, '\n'));
}

export type ScoreMode = 'label' | 'all';

export interface PackOptions {
  seqLen: number;
  score: ScoreMode;
  /** Rows [0, labelled) carry labels (hardMask); the rest only get softMask. Default: every row. */
  labelled?: number;
  /**
   * Fills the true next-token distribution of one row: `out` is that row's (seqLen, vocabSize) block,
   * zero on entry; write the distributions at the scored positions.
   */
  trueNext?: { vocabSize: number; fill(seq: readonly number[], out: Float32Array): void };
}

/** Packs token sequences (each starting with BOS) into a SequenceSet. */
export function packSequences(seqs: readonly (readonly number[])[], o: PackOptions): SequenceSet {
  const { seqLen, score } = o;
  const count = seqs.length;
  const labelled = Math.min(o.labelled ?? count, count);
  const n = count * seqLen;
  const inputs = new Int32Array(n);
  const targets = new Int32Array(n);
  const hardMask = new Float32Array(n);
  const softMask = new Float32Array(n);
  const tokenMask = new Float32Array(n);
  const vocabSize = o.trueNext?.vocabSize ?? 0;
  const trueNext = o.trueNext ? new Float32Array(n * vocabSize) : undefined;
  for (let i = 0; i < count; i++) {
    const s = seqs[i];
    const len = s.length - 1; // number of input positions
    if (len < 1 || len > seqLen) {
      throw new Error(`internal: sequence ${i} has ${s.length} tokens, block is ${seqLen}`);
    }
    const base = i * seqLen;
    for (let t = 0; t < len; t++) {
      inputs[base + t] = s[t];
      tokenMask[base + t] = s[t] === PAD ? 0 : 1;
      const scored = score === 'all' || t === len - 1;
      if (!scored) continue;
      targets[base + t] = s[t + 1];
      softMask[base + t] = 1;
      if (i < labelled) hardMask[base + t] = 1;
    }
    if (trueNext && o.trueNext) {
      o.trueNext.fill(s, trueNext.subarray(base * vocabSize, (base + seqLen) * vocabSize));
    }
  }
  return { count, seqLen, inputs, targets, hardMask, softMask, tokenMask, ...(trueNext ? { trueNext } : {}) };
}

/** Concatenates a labelled and an unlabelled list into the student's train rows. */
export function packTrain(
  labelledSeqs: readonly (readonly number[])[],
  transferSeqs: readonly (readonly number[])[],
  seqLen: number,
  score: ScoreMode,
): SequenceSet {
  return packSequences([...labelledSeqs, ...transferSeqs], { seqLen, score, labelled: labelledSeqs.length });
}

/** Joins tokens for display, leaving out padding and BOS. */
export function decodeWords(vocab: readonly string[], ids: readonly number[], sep = ' '): string {
  const out: string[] = [];
  for (const id of ids) {
    if (id === PAD || id === BOS) continue;
    out.push(vocab[id] ?? `<${id}?>`);
  }
  return out.join(sep);
}

/** Looks words up in a vocabulary; throws a DataError naming the first unknown word. */
export function lookupWords(words: readonly string[], index: ReadonlyMap<string, number>, what: string): number[] {
  return words.map((w) => {
    const id = index.get(w);
    if (id === undefined) throw new DataError(`unknown word "${w}": ${what}`);
    return id;
  });
}

export function indexOf(vocab: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  vocab.forEach((w, i) => m.set(w, i));
  return m;
}
