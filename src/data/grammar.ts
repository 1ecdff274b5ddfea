// A tiny language from a probabilistic grammar whose true next-token distribution is known exactly.
//
//   S       → NP[num, noun] VP[num, noun] <eos>
//   NP      → Det[num] (Adj) N[num, noun] (PP)        Adj with p = 0.3, PP with p = 0.3
//   PP      → P the N[any]                            (bounded depth: no PP inside a PP)
//   VP      → Vi[num] | Vt[num] Det[num'] N[num', any]
//
// Context matters in three ways a model has to learn: the determiner fixes the number ("a" only
// singular, "some" only plural), the verb agrees in number with the subject head noun even across
// a PP whose noun may disagree ("the cat near the dogs sleeps"), and each subject noun prefers its
// own verbs (birds sing, dogs run; writing the grammar with one nonterminal per head noun keeps it a
// PCFG). The language is finite (16,848 sentences), so every sentence and its probability is
// enumerated once, merged into a prefix trie, and the exact next-token distribution after any
// prefix is read off the trie. Validation and test splits carry it as `trueNext`, so teacher and
// student can both be measured against the truth rather than only against samples.

import { deriveSeed, mulberry32, sampleIndex, type Rng } from '../rng';
import type { Task, TaskOptions } from './task';
import { DataError } from './task';
import {
  BOS,
  BOS_TOKEN,
  EOS_TOKEN,
  PAD_TOKEN,
  decodeWords,
  indexOf,
  lookupWords,
  packSequences,
  splitWords,
} from './sequences';

type Num = 'sg' | 'pl';

interface Noun {
  sg: string;
  pl: string;
  p: number;
  /** P(verb | subject noun), over VERBS. */
  verbs: readonly number[];
}

const NUMBERS: readonly { num: Num; p: number }[] = [
  { num: 'sg', p: 0.6 },
  { num: 'pl', p: 0.4 },
];
const DETS: Readonly<Record<Num, readonly [string, number][]>> = {
  sg: [
    ['the', 0.6],
    ['a', 0.4],
  ],
  pl: [
    ['the', 0.6],
    ['some', 0.4],
  ],
};
const ADJS: readonly [string, number][] = [
  ['big', 0.5],
  ['small', 0.3],
  ['old', 0.2],
];
const PREPS: readonly [string, number][] = [
  ['near', 0.6],
  ['with', 0.4],
];
const P_ADJ = 0.3;
const P_PP = 0.3;

interface Verb {
  sg: string;
  pl: string;
  transitive: boolean;
}
const VERBS: readonly Verb[] = [
  { sg: 'sleeps', pl: 'sleep', transitive: false },
  { sg: 'runs', pl: 'run', transitive: false },
  { sg: 'sings', pl: 'sing', transitive: false },
  { sg: 'sees', pl: 'see', transitive: true },
  { sg: 'chases', pl: 'chase', transitive: true },
];
const NOUNS: readonly Noun[] = [
  { sg: 'cat', pl: 'cats', p: 0.45, verbs: [0.35, 0.1, 0.05, 0.2, 0.3] },
  { sg: 'dog', pl: 'dogs', p: 0.35, verbs: [0.15, 0.35, 0.05, 0.15, 0.3] },
  { sg: 'bird', pl: 'birds', p: 0.2, verbs: [0.1, 0.05, 0.5, 0.25, 0.1] },
];

/** Longest sentence: the big cat near the dogs chases the birds <eos> → 11 tokens with BOS. */
const SEQ_LEN = 10;
const TEACHER_ROWS = 6000;
const EVAL_ROWS = 500;

export const GRAMMAR_VOCAB: readonly string[] = [
  PAD_TOKEN,
  BOS_TOKEN,
  EOS_TOKEN,
  ...new Set([
    'the',
    'a',
    'some',
    ...NOUNS.flatMap((n) => [n.sg, n.pl]),
    ...ADJS.map(([w]) => w),
    ...PREPS.map(([w]) => w),
    ...VERBS.flatMap((v) => [v.sg, v.pl]),
  ]),
];

type Weighted = readonly (readonly [readonly string[], number])[];

function cross(a: Weighted, b: Weighted): [string[], number][] {
  const out: [string[], number][] = [];
  for (const [wa, pa] of a) for (const [wb, pb] of b) out.push([[...wa, ...wb], pa * pb]);
  return out;
}

/** Every sentence of the language (words, without BOS/EOS) with its probability. */
export function enumerateGrammar(): [string[], number][] {
  const dets = (num: Num): Weighted => DETS[num].map(([w, p]) => [[w], p]);
  const anyNoun: Weighted = NUMBERS.flatMap(({ num, p }) => NOUNS.map((n): [string[], number] => [[n[num]], p * n.p]));
  const adjOpt: Weighted = [[[], 1 - P_ADJ], ...ADJS.map(([w, p]): [string[], number] => [[w], P_ADJ * p])];
  const pp: Weighted = cross(
    PREPS.map(([w, p]) => [[w, 'the'], p]),
    anyNoun,
  );
  const ppOpt: Weighted = [[[], 1 - P_PP], ...pp.map(([w, p]): [string[], number] => [[...w], P_PP * p])];
  const object: Weighted = NUMBERS.flatMap(({ num, p }) =>
    cross(
      dets(num),
      NOUNS.map((n) => [[n[num]], p * n.p]),
    ),
  );
  const out: [string[], number][] = [];
  for (const { num, p: pNum } of NUMBERS) {
    for (const noun of NOUNS) {
      const subject = cross(cross(cross(dets(num), adjOpt), [[[noun[num]], pNum * noun.p]]), ppOpt);
      const vp: Weighted = VERBS.flatMap((v, i): [string[], number][] =>
        v.transitive ? cross([[[v[num]], noun.verbs[i]]], object) : [[[v[num]], noun.verbs[i]]],
      );
      out.push(...cross(subject, vp));
    }
  }
  return out;
}

/** Prefix trie over token ids (after BOS), children weighted by probability mass. */
class Trie {
  readonly children: Map<number, number>[] = [new Map()];
  readonly mass: number[] = [0];
  private readonly dist = new Map<number, Float32Array>();

  constructor(readonly vocabSize: number) {}

  add(ids: readonly number[], p: number): void {
    let node = 0;
    this.mass[0] += p;
    for (const id of ids) {
      let next = this.children[node].get(id);
      if (next === undefined) {
        next = this.children.length;
        this.children.push(new Map());
        this.mass.push(0);
        this.children[node].set(id, next);
      }
      this.mass[next] += p;
      node = next;
    }
  }

  /** Node reached from the root by `ids`, or -1 outside the language. */
  walk(ids: readonly number[], from = 0): number {
    let node = from;
    for (const id of ids) {
      const next = this.children[node].get(id);
      if (next === undefined) return -1;
      node = next;
    }
    return node;
  }

  /** Exact next-token distribution at a node (cached; do not mutate). */
  next(node: number): Float32Array {
    let d = this.dist.get(node);
    if (!d) {
      d = new Float32Array(this.vocabSize);
      for (const [id, child] of this.children[node]) d[id] = this.mass[child] / this.mass[node];
      this.dist.set(node, d);
    }
    return d;
  }

  sample(rng: Rng): number[] {
    const out: number[] = [];
    let node = 0;
    while (this.children[node].size > 0) {
      const entries = [...this.children[node]];
      const [id, child] =
        entries[
          sampleIndex(
            rng,
            entries.map(([, c]) => this.mass[c]),
          )
        ];
      out.push(id);
      node = child;
    }
    return out;
  }
}

export interface GrammarLanguage {
  vocab: readonly string[];
  /** Number of distinct sentences. */
  size: number;
  trie: Trie;
  /** Exact next-token distribution after `ids` (starting with BOS), or null outside the language. */
  nextAfter(ids: readonly number[]): Float32Array | null;
  /** A random sentence as ids: [BOS, …, EOS]. */
  sample(rng: Rng): number[];
}

let cached: GrammarLanguage | null = null;

/** The enumerated language (built once per process, about 20 ms). */
export function grammarLanguage(): GrammarLanguage {
  if (cached) return cached;
  const vocab = GRAMMAR_VOCAB;
  const index = indexOf(vocab);
  const EOS = index.get(EOS_TOKEN) ?? -1;
  const trie = new Trie(vocab.length);
  const sentences = enumerateGrammar();
  for (const [words, p] of sentences) trie.add([...words.map((w) => index.get(w) ?? -1), EOS], p);
  cached = {
    vocab,
    size: sentences.length,
    trie,
    nextAfter(ids) {
      if (ids.length === 0 || ids[0] !== BOS) return null;
      const node = trie.walk(ids.slice(1));
      if (node < 0 || trie.children[node].size === 0) return null;
      return trie.next(node).slice();
    },
    sample: (rng) => [BOS, ...trie.sample(rng)],
  };
  return cached;
}

export function buildGrammarTask(opts: TaskOptions): Task {
  const lang = grammarLanguage();
  const { vocab, trie } = lang;
  const V = vocab.length;
  const index = indexOf(vocab);

  const sample = (label: string, n: number): number[][] => {
    const rng = mulberry32(deriveSeed(opts.seed, `grammar:${label}`));
    const out: number[][] = [];
    for (let i = 0; i < n; i++) out.push(lang.sample(rng));
    return out;
  };
  const trueNext = {
    vocabSize: V,
    fill(seq: readonly number[], out: Float32Array) {
      let node = 0;
      for (let t = 0; t < seq.length - 1; t++) {
        if (t > 0) node = trie.walk([seq[t]], node);
        out.set(trie.next(node), t * V);
      }
    },
  };

  const labelledRows = sample('train', opts.labelled);
  const transferRows = sample('transfer', opts.transfer);
  return {
    id: 'grammar',
    title: 'Grammar (known true distribution)',
    description:
      `Sentences from a small probabilistic grammar (${lang.size.toLocaleString('en-US')} sentences) with ` +
      'number agreement across a phrase ("the cat near the dogs sleeps") and noun-specific verbs. The exact ' +
      'next-word distribution is known, so teacher and student are scored against the truth; the ' +
      'teacher’s soft targets are much closer to it than single sampled next words.',
    kind: 'generation',
    vocab,
    seqLen: SEQ_LEN,
    teacherTrain: packSequences(sample('teacherTrain', TEACHER_ROWS), { seqLen: SEQ_LEN, score: 'all' }),
    train: packSequences([...labelledRows, ...transferRows], {
      seqLen: SEQ_LEN,
      score: 'all',
      labelled: labelledRows.length,
    }),
    val: packSequences(sample('val', EVAL_ROWS), { seqLen: SEQ_LEN, score: 'all', trueNext }),
    test: packSequences(sample('test', EVAL_ROWS), { seqLen: SEQ_LEN, score: 'all', trueNext }),
    encodePrompt(text: string): number[] {
      const ws = splitWords(text);
      if (ws.length + 1 > SEQ_LEN) throw new DataError(`the prompt is too long: at most ${SEQ_LEN - 1} words`);
      const known = `the grammar's words are ${vocab.slice(3).join(', ')}`;
      return [BOS, ...lookupWords(ws, index, known)];
    },
    decode: (ids) => decodeWords(vocab, ids),
    examples: ['the cat', 'the cat near the dogs', 'some birds', 'a big dog', 'the dogs with the bird'],
    trueNextAfter: (ids) => lang.nextAfter(ids),
  };
}
