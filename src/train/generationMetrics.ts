// What a model's own generations look like against a language whose truth is known exactly (the
// grammar task, src/data/grammar.ts): the numbers the grammar lab compares off- and on-policy
// students by. Pure functions over host arrays, no tfjs: the same code scores the teacher, each
// student and samples of the language itself.
//
// Per generation (one sampled sequence [BOS, w1, …, EOS], or cut at the block size without EOS):
//   validity      share of generations that are sentences of the language (finite, so exact)
//   entropy       mean over sampled positions of H(q) = −Σ q log q of the model's next-token
//                 distribution there, in nats: how much the model still hedges along its own paths
//   distinct-n    distinct n-grams / all n-grams over the generated words (BOS and EOS left out),
//                 pooled over every generation (Li et al. 2016): low means repetitive output
//   KL to truth   along the model's own prefixes that are still in the language, forward
//                 KL(p_true ‖ q). The reverse KL(q ‖ p_true) the on-policy student minimises against
//                 the teacher is +∞ against the truth wherever q gives any mass to a token the
//                 language forbids (a softmax always does), so its finite part is reported instead:
//   off-language  mass Σ_{v: p_true(v) = 0} q(v) at those positions, the mass the model puts on
//                 tokens that leave the language.

/** The language's exact next-token distributions, as grammarLanguage() gives them. */
export interface LanguageTruth {
  /** Next-token distribution after `ids` (starting with BOS), or null when `ids` is not a prefix of the language. */
  nextAfter(ids: readonly number[]): Float32Array | null;
  /** The end-of-sentence token id. */
  eos: number;
  /** The start token id (left out of n-grams). */
  bos: number;
}

export interface Generation {
  /** [BOS, w1, …]: ends with EOS unless generation hit the block size first. */
  tokens: readonly number[];
  /** The model's next-token distribution at each input position: tokens.length − 1 rows of V. */
  probs: readonly Float32Array[];
}

export interface GenerationMetrics {
  /** Number of generations scored. */
  count: number;
  /** Share of generations that are sentences of the language. */
  validity: number;
  /** Share of generations that ended with EOS within the block size. */
  finished: number;
  /** Distinct sentences / generations. */
  distinctSentences: number;
  /** Mean next-token entropy (nats) over every sampled position. */
  entropy: number;
  /** distinct-1, distinct-2, distinct-3 of the generated words. */
  distinct: [number, number, number];
  /** Mean KL(p_true ‖ q) over sampled positions whose prefix is in the language (nats). */
  klToTruth: number;
  /** Mean q-mass on tokens the language forbids there. */
  offLanguageMass: number;
  /** Sampled positions whose prefix was in the language / all sampled positions. */
  inLanguagePositions: number;
}

/** Whether `tokens` ([BOS, …, EOS]) is a sentence of the language. */
export function isSentence(truth: LanguageTruth, tokens: readonly number[]): boolean {
  const n = tokens.length;
  if (n < 2 || tokens[n - 1] !== truth.eos) return false;
  const next = truth.nextAfter(tokens.slice(0, n - 1));
  return next !== null && next[truth.eos] > 0;
}

/** H(q) in nats, with 0·log 0 = 0. */
export function entropyOf(q: ArrayLike<number>): number {
  let h = 0;
  for (let v = 0; v < q.length; v++) if (q[v] > 0) h -= q[v] * Math.log(q[v]);
  return h;
}

/** KL(p ‖ q) in nats over p's support (+∞ where q = 0 and p > 0). */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let kl = 0;
  for (let v = 0; v < p.length; v++) {
    if (p[v] <= 0) continue;
    if (q[v] <= 0) return Infinity;
    kl += p[v] * Math.log(p[v] / q[v]);
  }
  return kl;
}

/** distinct-n over the word sequences: distinct n-grams / all n-grams (0 when there are none). */
export function distinctN(sequences: readonly (readonly number[])[], n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`distinct-n needs a whole n ≥ 1 (got ${n})`);
  const seen = new Set<string>();
  let total = 0;
  for (const words of sequences) {
    for (let i = 0; i + n <= words.length; i++) {
      seen.add(words.slice(i, i + n).join(','));
      total++;
    }
  }
  return total === 0 ? 0 : seen.size / total;
}

/** The generated words of a sequence: without BOS and EOS. */
function wordsOf(truth: LanguageTruth, tokens: readonly number[]): number[] {
  return tokens.filter((t) => t !== truth.bos && t !== truth.eos);
}

/** Every metric above over a set of generations. */
export function generationMetrics(truth: LanguageTruth, generations: readonly Generation[]): GenerationMetrics {
  let valid = 0;
  let finished = 0;
  let positions = 0;
  let entropy = 0;
  let inLanguage = 0;
  let kl = 0;
  let offMass = 0;
  const sentences = new Set<string>();
  for (const g of generations) {
    if (g.probs.length !== g.tokens.length - 1) {
      throw new Error(
        `a generation of ${g.tokens.length} tokens needs ${g.tokens.length - 1} distributions, got ${g.probs.length}`,
      );
    }
    if (isSentence(truth, g.tokens)) valid++;
    if (g.tokens[g.tokens.length - 1] === truth.eos) finished++;
    sentences.add(g.tokens.join(','));
    for (let t = 0; t < g.probs.length; t++) {
      const q = g.probs[t];
      positions++;
      entropy += entropyOf(q);
      const p = truth.nextAfter(g.tokens.slice(0, t + 1));
      if (!p) continue;
      inLanguage++;
      kl += klDivergence(p, q);
      for (let v = 0; v < p.length; v++) if (p[v] === 0) offMass += q[v];
    }
  }
  const words = generations.map((g) => wordsOf(truth, g.tokens));
  const count = generations.length;
  const per = (x: number, n: number) => (n === 0 ? 0 : x / n);
  return {
    count,
    validity: per(valid, count),
    finished: per(finished, count),
    distinctSentences: per(sentences.size, count),
    entropy: per(entropy, positions),
    distinct: [distinctN(words, 1), distinctN(words, 2), distinctN(words, 3)],
    klToTruth: per(kl, inLanguage),
    offLanguageMass: per(offMass, inLanguage),
    inLanguagePositions: per(inLanguage, positions),
  };
}

/**
 * Generations of the language itself: each sentence with the true next-token distributions along it
 * (the table's reference row: validity 1, KL 0, the language's own entropy and distinct-n).
 */
export function truthGenerations(truth: LanguageTruth, sentences: readonly (readonly number[])[]): Generation[] {
  return sentences.map((tokens) => ({
    tokens,
    probs: tokens.slice(0, -1).map((_, t) => {
      const p = truth.nextAfter(tokens.slice(0, t + 1));
      if (!p) throw new Error(`not a sentence of the language: ${tokens.join(' ')}`);
      return p;
    }),
  }));
}
