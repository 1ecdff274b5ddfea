// The grammar lab (grammarLab.ts): config validation, every student from the same initialisation
// (at 0 steps they are one model, so their rows agree), the truth row's exact values, the table,
// stopping, and no leaked tensors. A tiny random teacher keeps it fast; the real run is the CLI's.

import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGrammarTask } from '../data/grammar';
import { GPT } from '../model/gpt';
import { useBackend } from '../../tests/parity/measure';
import {
  DEFAULT_GRAMMAR_LAB,
  grammarLabProblems,
  labTable,
  LabStopped,
  runGrammarLab,
  type GrammarLabConfig,
} from './grammarLab';
import { modelConfigFor } from './steps';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const task = buildGrammarTask({ seed: 1, labelled: 8, transfer: 8 });
const SMALL: GrammarLabConfig = {
  ...DEFAULT_GRAMMAR_LAB,
  student: { nLayer: 1, nHead: 2, nEmbd: 16 },
  steps: 0,
  lambdas: [1],
  batchSize: 4,
  corpus: 8,
  samples: 24,
  labelled: 8,
  transfer: 8,
};
const tinyTeacher = () => GPT.init(modelConfigFor({ nLayer: 1, nHead: 2, nEmbd: 24 }, task), 4, false);

describe('grammarLabProblems', () => {
  it('accepts the defaults and names each problem', () => {
    expect(grammarLabProblems(DEFAULT_GRAMMAR_LAB)).toEqual([]);
    const p = grammarLabProblems({ ...SMALL, steps: -1, lambdas: [0, 1.5, 1.5], lr: 0, alpha: 2, samples: 0 });
    expect(p).toContain('steps must be a whole number ≥ 0 (got -1)');
    expect(p).toContain('the number of samples must be a whole number ≥ 1 (got 0)');
    expect(p).toContain('the learning rate must be a number > 0 (got 0)');
    expect(p).toContain('α must be a number in [0, 1] (got 2)');
    expect(p.some((s) => /λ = 0 is the off-policy student/.test(s))).toBe(true);
    expect(p.some((s) => /must be a number in \[0, 1\] \(got 1.5\)/.test(s))).toBe(true);
    expect(p.some((s) => /each λ once/.test(s))).toBe(true);
  });
});

describe('runGrammarLab', () => {
  it('starts every student from one initialisation: at 0 steps their rows agree', async () => {
    await useBackend('cpu');
    const teacher = tinyTeacher();
    const r = await runGrammarLab(teacher, SMALL);
    expect(r.rows.map((x) => x.kind)).toEqual([
      'truth',
      'teacher',
      'baseline',
      'off-policy',
      'on-policy',
      'sequence-kd',
    ]);
    const students = r.rows.slice(2);
    for (const s of students.slice(1)) {
      expect(s.generation).toEqual(students[0].generation);
      expect(s.testNll).toBe(students[0].testNll);
    }
    // the truth row: valid, zero KL, the grammar's own test NLL (its entropy rate on the test sentences)
    const t = r.rows[0];
    expect(t.generation.validity).toBe(1);
    expect(t.generation.klToTruth).toBeCloseTo(0, 6);
    expect(t.testNll).toBeGreaterThan(0.5);
    // every model, even a random one, has NLL ≥ the truth's (Gibbs' inequality, up to float error)
    for (const row of r.rows.slice(1)) expect(row.testNll).toBeGreaterThanOrEqual(t.testNll - 1e-4);
    const table = labTable(r);
    for (const name of [
      'grammar (truth)',
      'teacher',
      'baseline (labels only)',
      'off-policy KD (λ = 0)',
      'on-policy KD (λ = 1)',
      'sequence-level KD',
    ]) {
      expect(table).toContain(name);
    }
    teacher.dispose();
  });

  it('trains the students apart, reports progress and leaks nothing (wasm)', async () => {
    await useBackend('wasm');
    const teacher = tinyTeacher();
    // The teacher keeps one causal mask per prefix length it has run: make them before counting.
    for (let T = 1; T <= task.seqLen; T++)
      tf.tidy(() => teacher.forward(tf.zeros([1, T], 'int32') as tf.Tensor2D).logits);
    const before = tf.memory().numTensors;
    const seen = new Set<string>();
    const r = await runGrammarLab(
      teacher,
      { ...SMALL, steps: 3, lambdas: [0.5, 1] },
      { onProgress: (p) => seen.add(p.type === 'train' ? `${p.kind}:${p.lambda ?? ''}:${p.step}` : p.type) },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(seen.has('on-policy:0.5:3')).toBe(true);
    expect(seen.has('corpus')).toBe(true);
    const nll = r.rows.slice(2).map((x) => x.testNll);
    expect(new Set(nll).size).toBe(nll.length); // each objective moved its student differently
    expect(r.rows.slice(2).every((x) => x.trainSeconds! > 0)).toBe(true);
    teacher.dispose();
  });

  it('stops when asked and refuses a teacher of another task', async () => {
    await useBackend('cpu');
    const teacher = tinyTeacher();
    let calls = 0;
    await expect(runGrammarLab(teacher, { ...SMALL, steps: 5 }, { stopped: () => ++calls > 3 })).rejects.toThrow(
      LabStopped,
    );
    const other = GPT.init(
      { nLayer: 1, nHead: 2, nEmbd: 16, vocabSize: 9, blockSize: 10, bias: false, dropout: 0 },
      1,
      false,
    );
    await expect(runGrammarLab(other, SMALL)).rejects.toThrow(/does not fit the grammar task/);
    await expect(runGrammarLab(teacher, { ...SMALL, lambdas: [0] })).rejects.toThrow(/grammar lab: λ = 0/);
    other.dispose();
    teacher.dispose();
  });
});
