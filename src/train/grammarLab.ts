// The grammar lab (issue 13): off-policy, sequence-level and on-policy distillation side by side on
// the grammar task, whose next-token truth is known exactly, scored on what each model GENERATES.
// From one initial student (DistillStep's initialisation for the run seed) and for S steps each:
//   baseline       hard labels only, on the labelled rows                         (CrossEntropyStep)
//   off-policy KD  α·T²·KL(p ‖ q) + (1 − α)·CE on the dataset's rows, λ = 0        (OnPolicyStep)
//   sequence KD    cross-entropy on M sentences the teacher sampled               (CrossEntropyStep)
//   on-policy KD   a share λ of the steps on the student's own samples, reverse KL (OnPolicyStep)
// Then every model (and the teacher, and the language itself as the reference row) samples N
// sentences from the same seed, scored by src/train/generationMetrics.ts, and is scored on the test
// split's true next-token distributions (NLL of the test sentences, KL(truth ‖ model)).

import * as tf from '@tensorflow/tfjs';
import { DATASET_SEED, PRESETS, type ModelSize } from '../config';
import { buildGrammarTask, grammarLanguage } from '../data/grammar';
import { BOS, EOS_TOKEN } from '../data/sequences';
import type { SequenceSet, Task } from '../data/task';
import { GPT } from '../model/gpt';
import { deriveSeed, mulberry32 } from '../rng';
import { DEFAULT_ADAMW } from './adamw';
import { evaluateModel, indexSplit } from './evaluate';
import {
  generationMetrics,
  truthGenerations,
  type Generation,
  type GenerationMetrics,
  type LanguageTruth,
} from './generationMetrics';
import { lambdaProblems, OnPolicyStep } from './onPolicy';
import { sampleMany, sampledProbs, sampledRow } from './sampling';
import { CrossEntropyStep, transferCorpus } from './sequenceKd';
import { modelConfigFor } from './steps';

export interface GrammarLabConfig {
  student: ModelSize;
  /** Training steps per student. */
  steps: number;
  /** λ of each on-policy student (each in (0, 1]; the off-policy student is λ = 0). */
  lambdas: number[];
  batchSize: number;
  lr: number;
  /** T and α of the off-policy steps (the normal KD step's). */
  temperature: number;
  alpha: number;
  /** Sentences in the sequence-level transfer corpus. */
  corpus: number;
  /** Sentences each model generates for the metrics. */
  samples: number;
  /** Initialisation, batch order and every sample. */
  seed: number;
  /** The task's labelled rows (the baseline's data) and unlabelled transfer rows. */
  labelled: number;
  transfer: number;
}

export const DEFAULT_GRAMMAR_LAB: GrammarLabConfig = {
  student: PRESETS['student-s'],
  steps: 400,
  lambdas: [0.5, 1],
  batchSize: 32,
  lr: 3e-3,
  temperature: 1,
  alpha: 1,
  corpus: 2200,
  samples: 1000,
  seed: 1,
  labelled: 200,
  transfer: 2000,
};

/** The problems with a lab config, in words (empty when valid). */
export function grammarLabProblems(c: GrammarLabConfig): string[] {
  const problems: string[] = [];
  const whole = (x: number, min: number, what: string) => {
    if (!Number.isInteger(x) || x < min) problems.push(`${what} must be a whole number ≥ ${min} (got ${x})`);
  };
  whole(c.steps, 0, 'steps');
  whole(c.batchSize, 1, 'the batch size');
  whole(c.corpus, 1, 'the corpus size');
  whole(c.samples, 1, 'the number of samples');
  whole(c.labelled, 1, 'the labelled rows');
  whole(c.transfer, 0, 'the transfer rows');
  whole(c.seed, 0, 'the seed');
  if (!(c.lr > 0 && Number.isFinite(c.lr))) problems.push(`the learning rate must be a number > 0 (got ${c.lr})`);
  if (!(c.temperature > 0 && Number.isFinite(c.temperature))) {
    problems.push(`the temperature must be a number > 0 (got ${c.temperature})`);
  }
  if (!(c.alpha >= 0 && c.alpha <= 1)) problems.push(`α must be a number in [0, 1] (got ${c.alpha})`);
  for (const l of c.lambdas) {
    problems.push(...lambdaProblems(l));
    if (l === 0) problems.push('λ = 0 is the off-policy student, which the lab always trains: list only λ > 0');
  }
  if (new Set(c.lambdas).size !== c.lambdas.length) problems.push(`each λ once, please (got ${c.lambdas.join(', ')})`);
  return problems;
}

export type LabRowKind = 'truth' | 'teacher' | 'baseline' | 'off-policy' | 'sequence-kd' | 'on-policy';

export interface LabRow {
  kind: LabRowKind;
  /** λ of an on-policy student. */
  lambda?: number;
  generation: GenerationMetrics;
  /** Mean NLL of the test sentences' next tokens (nats). */
  testNll: number;
  /** Mean KL(p_true ‖ model) over the test positions (nats); 0 for the truth. */
  testKlToTruth: number;
  /** Training time in seconds (students only). */
  trainSeconds?: number;
}

export interface GrammarLabReport {
  config: GrammarLabConfig;
  rows: LabRow[];
  backend: string;
}

export type LabProgress =
  | { type: 'corpus'; sentences: number }
  | { type: 'train'; kind: LabRowKind; lambda?: number; step: number; steps: number }
  | { type: 'evaluate'; kind: LabRowKind; lambda?: number };

export interface LabHooks {
  onProgress?(p: LabProgress): void;
  /** Checked between steps: true abandons the lab (runGrammarLab then rejects with LabStopped). */
  stopped?(): boolean;
  /** Awaited before each step (the worker yields to its message queue there, so Stop is heard). */
  beforeStep?(): Promise<void>;
}

export class LabStopped extends Error {
  override name = 'LabStopped';
}

/** The first n rows of a sequence set (the labelled rows of a train split). */
function headRows(s: SequenceSet, n: number): SequenceSet {
  const k = n * s.seqLen;
  return {
    count: n,
    seqLen: s.seqLen,
    inputs: s.inputs.slice(0, k),
    targets: s.targets.slice(0, k),
    hardMask: s.hardMask.slice(0, k),
    softMask: s.softMask.slice(0, k),
    tokenMask: s.tokenMask.slice(0, k),
  };
}

function grammarTruth(task: Task): LanguageTruth {
  return { nextAfter: grammarLanguage().nextAfter, eos: task.vocab.indexOf(EOS_TOKEN), bos: BOS };
}

/** Mean −log p_true(next) over the test split's scored positions: the truth's own test NLL. */
function truthTestNll(split: SequenceSet, V: number): number {
  let nll = 0;
  let n = 0;
  for (let at = 0; at < split.count * split.seqLen; at++) {
    if (split.hardMask[at] !== 1 || !split.trueNext) continue;
    nll -= Math.log(split.trueNext[at * V + split.targets[at]]);
    n++;
  }
  return nll / Math.max(n, 1);
}

/** Sentences per sampling forward pass during evaluation. */
const EVAL_BATCH = 250;

async function generations(model: GPT, n: number, seed: number, eos: number): Promise<Generation[]> {
  const V = model.config.vocabSize;
  const batches = await sampleMany(model, n, EVAL_BATCH, seed, { eos, keepProbs: true });
  return batches.flatMap((b) =>
    Array.from({ length: b.count }, (_, i) => ({ tokens: sampledRow(b, i), probs: sampledProbs(b, i, V) })),
  );
}

/**
 * Runs the lab: trains every student from the same initialisation, then scores teacher, students
 * and the language. `teacher` is the grammar teacher (frozen; not disposed here).
 */
export async function runGrammarLab(
  teacher: GPT,
  config: GrammarLabConfig,
  hooks: LabHooks = {},
): Promise<GrammarLabReport> {
  const problems = grammarLabProblems(config);
  if (problems.length) throw new Error(`grammar lab: ${problems.join('; ')}`);
  const c = config;
  const task = buildGrammarTask({ seed: DATASET_SEED, labelled: c.labelled, transfer: c.transfer });
  if (teacher.config.vocabSize !== task.vocab.length || teacher.config.blockSize !== task.seqLen) {
    throw new Error(
      `the teacher (vocabulary ${teacher.config.vocabSize}, block ${teacher.config.blockSize}) does not fit the grammar task (${task.vocab.length}, ${task.seqLen})`,
    );
  }
  const truth = grammarTruth(task);
  const testIndex = indexSplit(task, task.test);
  const sampleSeed = deriveSeed(c.seed, 'lab:samples');
  const adam = DEFAULT_ADAMW;
  const rows: LabRow[] = [];
  const check = () => {
    if (hooks.stopped?.()) throw new LabStopped('the grammar lab was stopped');
  };

  const score = async (kind: LabRowKind, model: GPT, extra: Partial<LabRow> = {}): Promise<void> => {
    check();
    hooks.onProgress?.({ type: 'evaluate', kind, lambda: extra.lambda });
    const generation = generationMetrics(truth, await generations(model, c.samples, sampleSeed, truth.eos));
    const { metrics } = await evaluateModel(model, task, task.test, testIndex);
    rows.push({ kind, generation, testNll: metrics.nll, testKlToTruth: metrics.klToTruth ?? NaN, ...extra });
  };

  // The language itself: N sentences of the grammar with their true distributions.
  const rng = mulberry32(sampleSeed);
  const truthSentences = Array.from({ length: c.samples }, () => grammarLanguage().sample(rng));
  rows.push({
    kind: 'truth',
    generation: generationMetrics(truth, truthGenerations(truth, truthSentences)),
    testNll: truthTestNll(task.test, task.vocab.length),
    testKlToTruth: 0,
  });
  await score('teacher', teacher);

  const studentConfig = modelConfigFor(c.student, task);
  const initSeed = deriveSeed(c.seed, 'init:student'); // DistillStep's, as OnPolicyStep's

  /** Trains with `step` for c.steps steps, reads the last loss back only at the end, then scores. */
  const train = async (
    kind: LabRowKind,
    model: GPT,
    step: () => Promise<tf.Scalar> | tf.Scalar,
    extra: Partial<LabRow> = {},
  ) => {
    const t0 = performance.now();
    for (let k = 0; k < c.steps; k++) {
      await hooks.beforeStep?.();
      check();
      const loss = await step();
      if (k === c.steps - 1) await loss.data(); // wait for the device before stopping the clock
      loss.dispose();
      hooks.onProgress?.({ type: 'train', kind, lambda: extra.lambda, step: k + 1, steps: c.steps });
    }
    await score(kind, model, { ...extra, trainSeconds: (performance.now() - t0) / 1000 });
  };

  // Baseline: the labelled rows, hard labels only.
  {
    const model = GPT.init(studentConfig, initSeed);
    const trainer = new CrossEntropyStep(model, headRows(task.train, c.labelled), c.seed, adam);
    try {
      await train('baseline', model, () => trainer.step(c.batchSize, c.lr));
    } finally {
      trainer.dispose();
      model.dispose();
    }
  }
  // Off-policy (λ = 0) and on-policy students.
  for (const lambda of [0, ...c.lambdas]) {
    const kind: LabRowKind = lambda === 0 ? 'off-policy' : 'on-policy';
    const s = new OnPolicyStep(teacher, task, c.student, c.seed, c.labelled, adam);
    const h = { temperature: c.temperature, alpha: c.alpha, batchSize: c.batchSize, lambda };
    try {
      await train(kind, s.student, async () => (await s.step(h, c.lr)).loss, lambda === 0 ? {} : { lambda });
    } finally {
      s.dispose();
    }
  }
  // Sequence-level KD on the teacher's corpus.
  {
    check();
    const { set } = await transferCorpus(teacher, c.corpus, c.seed, truth.eos);
    hooks.onProgress?.({ type: 'corpus', sentences: set.count });
    const model = GPT.init(studentConfig, initSeed);
    const trainer = new CrossEntropyStep(model, set, c.seed, adam);
    try {
      await train('sequence-kd', model, () => trainer.step(c.batchSize, c.lr));
    } finally {
      trainer.dispose();
      model.dispose();
    }
  }
  return { config: c, rows, backend: tf.getBackend() };
}

const ROW_NAMES: Record<LabRowKind, string> = {
  truth: 'grammar (truth)',
  teacher: 'teacher',
  baseline: 'baseline (labels only)',
  'off-policy': 'off-policy KD (λ = 0)',
  'sequence-kd': 'sequence-level KD',
  'on-policy': 'on-policy KD',
};

export function rowName(r: Pick<LabRow, 'kind' | 'lambda'>): string {
  return r.kind === 'on-policy' ? `${ROW_NAMES[r.kind]} (λ = ${r.lambda})` : ROW_NAMES[r.kind];
}

/** The report as a fixed-width table (the CLI's output and BENCHMARKS.md's). */
export function labTable(r: GrammarLabReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const f3 = (x: number) => x.toFixed(3);
  const head = [
    'model',
    'valid',
    'entropy',
    'dist-1',
    'dist-2',
    'dist-3',
    'uniq',
    'KL@own',
    'off-lang',
    'NLL@test',
    'KL@test',
  ];
  const lines = r.rows.map((row) => {
    const g = row.generation;
    return [
      rowName(row),
      pct(g.validity),
      f3(g.entropy),
      f3(g.distinct[0]),
      f3(g.distinct[1]),
      f3(g.distinct[2]),
      pct(g.distinctSentences),
      f3(g.klToTruth),
      pct(g.offLanguageMass),
      f3(row.testNll),
      f3(row.testKlToTruth),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) =>
    cells.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  ');
  return [fmt(head), ...lines.map(fmt)].join('\n');
}

/** What the table's columns mean (printed under it). */
export const LAB_LEGEND = `valid: share of generated sentences in the language; entropy: mean next-token entropy along the
model's own samples (nats); dist-n: distinct n-grams / n-grams of the generated words; uniq: distinct
sentences / samples; KL@own: KL(truth ‖ model) along the model's own in-language prefixes; off-lang:
the model's mass on tokens that leave the language there; NLL@test: mean NLL of the test sentences'
tokens; KL@test: KL(truth ‖ model) at the test positions (all nats).`;
