import { describe, expect, it } from 'vitest';
import { MODADD_P, buildModAddTask } from './modadd';
import type { SequenceSet } from './task';
import { DataError } from './task';

const p = MODADD_P;
const task = buildModAddTask({ seed: 5, labelled: 200, transfer: 2000 });
const num = (id: number) => Number(task.vocab[id]);

/** (a, b, target) of every row, read from the scored position. */
function rows(set: SequenceSet): { a: number; b: number; c: number; hard: boolean }[] {
  const out = [];
  for (let i = 0; i < set.count; i++) {
    const k = i * set.seqLen + 4;
    expect(set.softMask[k]).toBe(1);
    out.push({
      a: num(set.inputs[k - 3]),
      b: num(set.inputs[k - 1]),
      c: num(set.targets[k]),
      hard: set.hardMask[k] === 1,
    });
  }
  return out;
}
const pairsOf = (set: SequenceSet) => new Set(rows(set).map(({ a, b }) => a * p + b));

describe('modular addition', () => {
  it('lays out [BOS, a, +, b, =] and scores only the answer', () => {
    expect(task.seqLen).toBe(5);
    expect(task.vocab.length).toBe(p + 4);
    expect(task.classes?.map((c) => c.name)).toEqual(Array.from({ length: p }, (_, i) => String(i)));
    const set = task.teacherTrain;
    for (let i = 0; i < set.count; i++) {
      const r = Array.from(set.inputs.subarray(i * 5, i * 5 + 5)).map((x) => task.vocab[x]);
      expect([r[0], r[2], r[4]]).toEqual(['<bos>', '+', '=']);
      expect(Array.from(set.softMask.subarray(i * 5, i * 5 + 5))).toEqual([0, 0, 0, 0, 1]);
    }
  });

  it('has correct targets in every split', () => {
    for (const set of [task.teacherTrain, task.train, task.val, task.test]) {
      for (const { a, b, c } of rows(set)) expect(c).toBe((a + b) % p);
    }
  });

  it('teaches the teacher the whole table and scores the whole table in validation and test', () => {
    expect(pairsOf(task.teacherTrain).size).toBe(p * p);
    for (const set of [task.val, task.test]) {
      expect(set.count).toBe(p * p);
      expect(pairsOf(set).size).toBe(p * p);
    }
  });

  it('labels only 40 sums for the student; transfer rows cover the whole table', () => {
    const train = rows(task.train);
    const labelled = new Set(train.filter((r) => r.hard).map(({ a, b }) => a * p + b));
    const transfer = new Set(train.filter((r) => !r.hard).map(({ a, b }) => a * p + b));
    expect(train.filter((r) => r.hard).length).toBe(200);
    expect(labelled.size).toBe(40);
    expect(transfer.size).toBe(p * p);
    const few = buildModAddTask({ seed: 5, labelled: 10, transfer: 0 });
    expect(few.train.count).toBe(10);
    expect(pairsOf(few.train).size).toBe(10);
    const other = buildModAddTask({ seed: 6, labelled: 200, transfer: 0 });
    expect(pairsOf(other.train)).not.toEqual(labelled);
  });

  it('encodes prompts and rejects bad ones', () => {
    expect(task.decode(task.encodePrompt('3 + 11 ='))).toBe('3 + 11 =');
    expect(task.encodePrompt('3+11')).toEqual(task.encodePrompt('3 + 11 ='));
    expect(() => task.encodePrompt('13 + 1 =')).toThrow(DataError);
    expect(() => task.encodePrompt('13 + 1 =')).toThrow(/13 is not a residue mod 13/);
    expect(() => task.encodePrompt('two plus two')).toThrow(/write a sum/);
  });
});
