// Modular addition: "a + b = c (mod 13)" as classification. A row is [BOS, a, +, b, =, c], scored
// only at the position whose input is "=" and whose target is c; the classes are the 13 residues.
//
// The task is the whole addition table: a finite domain of 169 facts. The teacher learns all of them.
// The student has labels for only 40 of them (seeded choice, cycled to fill `labelled` rows); its
// unlabelled transfer rows cycle through all 169 pairs, so the teacher's outputs tell the distilled
// student the 129 sums whose labels it never sees, while the baseline has the 40 labelled ones only.
// Validation and test score every sum once (a finite domain has nothing else to score): accuracy is
// "how much of the table does the model know". An earlier version held out 30% of the pairs instead;
// a teacher trained on the rest memorised them without generalising (4% on held-out sums after
// 1,500 steps: modular addition generalises only after very long training), which left nothing to
// distil.

import { deriveSeed, mulberry32, shuffle } from '../rng';
import type { Task, TaskClass, TaskOptions } from './task';
import { DataError } from './task';
import { BOS, BOS_TOKEN, PAD_TOKEN, decodeWords, packSequences, packTrain } from './sequences';

export const MODADD_P = 13;
/** Sums the student has labels for. */
const LABELLED_PAIRS = 40;
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
  const labelledPairs = shuffle(mulberry32(deriveSeed(opts.seed, 'modadd:labelled')), [...pairs]).slice(
    0,
    Math.min(opts.labelled, LABELLED_PAIRS),
  );

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
      `Learn the table of a + b mod ${p}: ${p * p} sums. The teacher knows them all; the student has labels for ` +
      `only ${labelledPairs.length}. On unlabelled rows the teacher answers for the student; the baseline has the ` +
      'labelled sums alone. Validation and test score the whole table.',
    kind: 'classification',
    vocab,
    classes,
    seqLen: SEQ_LEN,
    teacherTrain: packSequences(cycle('teacherTrain', pairs, TEACHER_ROWS), { seqLen: SEQ_LEN, score: 'label' }),
    train: packTrain(
      cycle('train', labelledPairs, opts.labelled),
      cycle('transfer', pairs, opts.transfer),
      SEQ_LEN,
      'label',
    ),
    val: packSequences(pairs.map(row), { seqLen: SEQ_LEN, score: 'label' }),
    test: packSequences(pairs.map(row), { seqLen: SEQ_LEN, score: 'label' }),
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
    examples: ['3 + 4 =', '12 + 5 =', '7 + 7 =', '0 + 9 ='],
  };
}
