// Modular addition: "a + b = c (mod 13)" as classification. A row is [BOS, a, +, b, =, c], scored
// only at the position whose input is "=" and whose target is c; the classes are the 13 residues.
//
// Splits (all drawn from the seed): the 169 (a, b) pairs are shuffled; 30% (51 pairs) are held out,
// 25 of them for validation and 26 for test, each pair once (accuracy on sums never seen in
// training). The teacher trains on the other 118 pairs, cycled to fill its rows. The student's
// labelled rows cover only a third of those pairs (40, or fewer when `labelled` is smaller), cycled to
// fill `labelled` rows; its unlabelled transfer rows cycle through all 118 teacher pairs. So the
// teacher's outputs tell the distilled student about 78 sums whose labels it never sees, while the
// baseline only has the 40 labelled ones.

import { deriveSeed, mulberry32, shuffle } from '../rng';
import type { Task, TaskClass, TaskOptions } from './task';
import { DataError } from './task';
import { BOS, BOS_TOKEN, PAD_TOKEN, decodeWords, packSequences, packTrain } from './sequences';

export const MODADD_P = 13;
const HELD_OUT_FRACTION = 0.3;
const LABELLED_PAIR_FRACTION = 1 / 3;
const TEACHER_ROWS = 4000;
const SEQ_LEN = 5;

export function buildModAddTask(opts: TaskOptions): Task {
  const p = MODADD_P;
  const digits = Array.from({ length: p }, (_, i) => String(i));
  const vocab = [PAD_TOKEN, BOS_TOKEN, ...digits, '+', '='];
  const digitId = (d: number) => 2 + d;
  const PLUS = 2 + p;
  const EQ = 3 + p;
  const classes: TaskClass[] = digits.map((name, i) => ({ name, tokenId: digitId(i) }));
  const row = ([a, b]: readonly [number, number]) => [BOS, digitId(a), PLUS, digitId(b), EQ, digitId((a + b) % p)];

  const pairs: [number, number][] = [];
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) pairs.push([a, b]);
  shuffle(mulberry32(deriveSeed(opts.seed, 'modadd:split')), pairs);
  const nHeld = Math.round(pairs.length * HELD_OUT_FRACTION);
  const nVal = Math.floor(nHeld / 2);
  const valPairs = pairs.slice(0, nVal);
  const testPairs = pairs.slice(nVal, nHeld);
  const trainPairs = pairs.slice(nHeld);
  const nLabelledPairs = Math.min(opts.labelled, Math.ceil(trainPairs.length * LABELLED_PAIR_FRACTION));
  const labelledPairs = trainPairs.slice(0, nLabelledPairs);

  /** `n` rows cycling through `from`, each pass in a fresh seeded order. */
  const cycle = (label: string, from: readonly [number, number][], n: number): number[][] => {
    const rng = mulberry32(deriveSeed(opts.seed, `modadd:${label}`));
    const out: number[][] = [];
    while (from.length > 0 && out.length < n) {
      for (const pair of shuffle(rng, [...from])) {
        if (out.length >= n) break;
        out.push(row(pair));
      }
    }
    return out;
  };

  return {
    id: 'modadd',
    title: `Modular addition (mod ${p})`,
    description:
      `Learn a + b mod ${p}. ${nHeld} of the ${p * p} sums are held out for validation and test; the teacher ` +
      `learns the other ${trainPairs.length}, but the student has labels for only ${nLabelledPairs} of them. ` +
      'Distillation lets the teacher answer the rest for the student on unlabelled rows.',
    kind: 'classification',
    vocab,
    classes,
    seqLen: SEQ_LEN,
    teacherTrain: packSequences(cycle('teacherTrain', trainPairs, TEACHER_ROWS), { seqLen: SEQ_LEN, score: 'label' }),
    train: packTrain(cycle('train', labelledPairs, opts.labelled), cycle('transfer', trainPairs, opts.transfer), SEQ_LEN, 'label'),
    val: packSequences(valPairs.map(row), { seqLen: SEQ_LEN, score: 'label' }),
    test: packSequences(testPairs.map(row), { seqLen: SEQ_LEN, score: 'label' }),
    encodePrompt(text: string): number[] {
      const m = /^\s*(\d+)\s*\+\s*(\d+)\s*=?\s*$/.exec(text);
      if (!m) throw new DataError(`write a sum like "3 + 11 =" (numbers 0 to ${p - 1})`);
      const [a, b] = [Number(m[1]), Number(m[2])];
      for (const x of [a, b]) {
        if (x >= p) throw new DataError(`${x} is not a residue mod ${p}: use numbers 0 to ${p - 1}`);
      }
      return [BOS, digitId(a), PLUS, digitId(b), EQ];
    },
    decode: (ids) => decodeWords(vocab, ids),
    examples: [...valPairs.slice(0, 3), ...testPairs.slice(0, 2)].map(([a, b]) => `${a} + ${b} =`),
  };
}
