// Soft targets that carry no dark knowledge, for controls trained beside the distilled student (see
// src/train/stackedStep.ts). Plain typed arrays, no tfjs: they are computed once, on the host, from
// the frozen teacher's cached logits.
//
// - Permuted teacher (Furlanello et al. 2018, "Born-Again Networks": dark knowledge with permuted
//   predictions): per row, the probability of one kept token stays where it is and the other
//   tokens' probabilities are shuffled among themselves, with a seeded permutation fixed per row.
//   Softmax commutes with a permutation of its inputs, so permuting the teacher's LOGITS gives the
//   permuted distribution at every temperature T: the kept token's probability and the entropy are
//   the teacher's own, and only which wrong answer is likely (the dark knowledge) is destroyed.
// - Uniform (label smoothing): all-zero logits, whose softmax is 1/V at any T. With α = ε and T = 1,
//   (1 − ε)·CE(y, q) + ε·KL(u ‖ q) = CE((1 − ε)·y + ε·u, q) − ε·log V: label smoothing with ε.

import { mulberry32, randInt } from '../rng';

export interface PermutationOptions {
  /** Seed of the permutations (one stream, consumed row by row: row r's permutation is fixed). */
  seed: number;
  /**
   * Which token keeps its probability: 'top1', the teacher's most likely token among `support` (no
   * label is read: fair on unlabelled transfer rows); 'label', the row's target token (the target
   * is read on every row, unlabelled ones too).
   */
  keep: 'top1' | 'label';
  /**
   * Token ids among which probabilities are shuffled (the kept one excluded); others stay put. For
   * classification tasks the class tokens (a shuffle onto non-answer tokens would also teach the
   * student that the answer can be a word); null: the whole vocabulary.
   */
  support: Int32Array | null;
}

/**
 * logits: (R, V) row-major; labels: (R) target token per row (needed for keep = 'label').
 * Returns new (R, V) logits with each row permuted as described above.
 */
export function permuteNonTargets(
  logits: Float32Array,
  V: number,
  opts: PermutationOptions,
  labels?: Int32Array,
): Float32Array {
  const R = logits.length / V;
  if (!Number.isInteger(R)) throw new Error(`permuteNonTargets: ${logits.length} logits are not rows of ${V}`);
  if (opts.keep === 'label' && (!labels || labels.length !== R))
    throw new Error(`permuteNonTargets: keep = 'label' needs ${R} labels`);
  const support = opts.support ?? Int32Array.from({ length: V }, (_, v) => v);
  for (const v of support)
    if (!(v >= 0 && v < V)) throw new Error(`permuteNonTargets: support token ${v} is outside the vocabulary of ${V}`);
  const rng = mulberry32(opts.seed);
  const out = Float32Array.from(logits);
  const others = new Int32Array(support.length);
  const order = new Int32Array(others.length);
  for (let r = 0; r < R; r++) {
    const row = r * V;
    let kept: number;
    if (opts.keep === 'label') {
      kept = labels![r];
    } else {
      kept = support[0];
      for (const v of support) if (logits[row + v] > logits[row + kept]) kept = v;
    }
    let n = 0;
    for (const v of support) if (v !== kept) others[n++] = v;
    // Fisher–Yates over the other tokens: token others[i] receives the logit of others[order[i]].
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = randInt(rng, i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (let i = 0; i < n; i++) out[row + others[i]] = logits[row + others[order[i]]];
  }
  return out;
}
