// Cost per step of the grammar lab's objectives against the logit-KD step, on whatever tfjs backend
// is active (issue 13: "kernels and ms, relative to logit KD"). Same method as stacked.ts:
// interleaved rounds (each subject runs one block of steps per round, so machine load hits all
// alike), ratios as medians of per-round ratios, kernels per step from tf.profile, GPU dispatches
// on webgpu; each block reads its last loss back at the end, as a run's flush does.
//
// Subjects, one student each on the grammar task with the shipped teacher's shapes:
//   logit KD      the off-policy step (DistillStep's student update; the teacher's logits cached)
//   on-policy     the student samples B sequences token by token (one readback per position), the
//                 teacher runs forward on them, reverse KL: every step pays for sampling and the teacher
//   sampling      the on-policy step's sampling alone, to show where its cost goes
//   sequence KD   a cross-entropy step on the teacher's corpus (the corpus's one-off cost reported apart)

import * as tf from '@tensorflow/tfjs';
import { DATASET_SEED, PRESETS, type ModelSize } from '../config';
import { buildGrammarTask } from '../data/grammar';
import { EOS_TOKEN } from '../data/sequences';
import type { GPT } from '../model/gpt';
import { deriveSeed } from '../rng';
import { DEFAULT_ADAMW } from '../train/adamw';
import { OnPolicyStep } from '../train/onPolicy';
import { sampleSequences } from '../train/sampling';
import { CrossEntropyStep, transferCorpus } from '../train/sequenceKd';
import { countDispatches, median, profileKernels } from './measure';

export interface OnPolicyBenchConfig {
  student: ModelSize;
  batchSize: number;
  /** Sentences in the sequence-level corpus (its one-off sampling cost is timed too). */
  corpus: number;
  rounds: number;
  block: number;
  warmup: number;
  seed: number;
}

export const DEFAULT_ON_POLICY_BENCH: OnPolicyBenchConfig = {
  student: PRESETS['student-s'],
  batchSize: 32,
  corpus: 2200,
  rounds: 5,
  block: 10,
  warmup: 3,
  seed: 1,
};

export const ON_POLICY_SUBJECTS = ['logit KD', 'on-policy', 'sampling', 'sequence KD'] as const;
export type OnPolicySubject = (typeof ON_POLICY_SUBJECTS)[number];

export interface OnPolicySubjectResult {
  name: OnPolicySubject;
  /** Median ms per step over the rounds. */
  msPerStep: number;
  /** Median over rounds of (this subject's ms / logit KD's ms) in the same round. */
  ratio: number;
  /** tf.profile kernels of one step (compute: without reshapes and identities). */
  kernels: number;
  computeKernels: number;
  /** Real GPU dispatches of one step (webgpu only). */
  dispatches?: number;
}

export interface OnPolicyBenchResult {
  config: OnPolicyBenchConfig;
  backend: string;
  subjects: OnPolicySubjectResult[];
  /** One-off: ms to sample the sequence-level corpus from the teacher. */
  corpusMs: number;
}

/** The bench's subjects as async steps returning a (kept) tensor to read back. */
function subjects(
  onPolicy: OnPolicyStep,
  offPolicy: OnPolicyStep,
  seqKd: CrossEntropyStep,
  student: GPT,
  c: OnPolicyBenchConfig,
  eos: number,
): Record<OnPolicySubject, () => Promise<tf.Tensor>> {
  const h = { temperature: 1, alpha: 1, batchSize: c.batchSize };
  let draws = 0;
  return {
    'logit KD': async () => offPolicy.offPolicyUpdate(h, 1e-4),
    'on-policy': () => onPolicy.onPolicyUpdate(c.batchSize, 1e-4),
    sampling: async () => {
      const s = await sampleSequences(student, c.batchSize, deriveSeed(c.seed, `bench:${draws++}`), { eos });
      return tf.tensor1d(s.lengths, 'int32');
    },
    'sequence KD': async () => seqKd.step(c.batchSize, 1e-4),
  };
}

async function block(step: () => Promise<tf.Tensor>, n: number): Promise<number> {
  const t0 = performance.now();
  const pending: tf.Tensor[] = [];
  for (let i = 0; i < n; i++) pending.push(await step());
  await pending[pending.length - 1].data();
  tf.dispose(pending);
  return (performance.now() - t0) / n;
}

/** Runs the bench with `teacher` (the grammar teacher, frozen; not disposed here). */
export async function runOnPolicyBench(teacher: GPT, c: OnPolicyBenchConfig): Promise<OnPolicyBenchResult> {
  const task = buildGrammarTask({ seed: DATASET_SEED, labelled: 200, transfer: 2000 });
  const eos = task.vocab.indexOf(EOS_TOKEN);
  const onPolicy = new OnPolicyStep(teacher, task, c.student, c.seed, 200, DEFAULT_ADAMW);
  const offPolicy = new OnPolicyStep(teacher, task, c.student, c.seed, 200, DEFAULT_ADAMW);
  await offPolicy.fillTeacherCache(); // steady state: every row's teacher logits cached, as after the first epoch
  const t0 = performance.now();
  const { set } = await transferCorpus(teacher, c.corpus, c.seed, eos);
  const corpusMs = performance.now() - t0;
  const seqKd = new CrossEntropyStep(offPolicy.student, set, c.seed, DEFAULT_ADAMW);
  try {
    const steps = subjects(onPolicy, offPolicy, seqKd, onPolicy.student, c, eos);
    for (const name of ON_POLICY_SUBJECTS) await block(steps[name], c.warmup);
    const ms: Record<OnPolicySubject, number[]> = { 'logit KD': [], 'on-policy': [], sampling: [], 'sequence KD': [] };
    for (let r = 0; r < c.rounds; r++)
      for (const name of ON_POLICY_SUBJECTS) ms[name].push(await block(steps[name], c.block));
    const results: OnPolicySubjectResult[] = [];
    for (const name of ON_POLICY_SUBJECTS) {
      const k = await profileKernels(() => steps[name]());
      const dispatches = await countDispatches(async () => (await steps[name]()).dispose());
      results.push({
        name,
        msPerStep: median(ms[name]),
        ratio: median(ms[name].map((x, r) => x / ms['logit KD'][r])),
        kernels: k.all,
        computeKernels: k.compute,
        ...(dispatches !== undefined ? { dispatches } : {}),
      });
    }
    return { config: c, backend: tf.getBackend(), subjects: results, corpusMs };
  } finally {
    seqKd.dispose();
    onPolicy.dispose();
    offPolicy.dispose();
  }
}

export function onPolicyReport(r: OnPolicyBenchResult, device: string): string {
  const c = r.config;
  const lines = [
    `grammar task on ${device}: student ${c.student.nLayer}x${c.student.nHead}x${c.student.nEmbd}, batch ${c.batchSize}; ${c.rounds} interleaved rounds of ${c.block} steps (median)`,
    `${'subject'.padEnd(12)} ${'ms/step'.padStart(8)} ${'× logit KD'.padStart(11)} ${'kernels'.padStart(8)} ${'compute'.padStart(8)}${r.subjects[0].dispatches !== undefined ? ' dispatches' : ''}`,
  ];
  for (const s of r.subjects) {
    lines.push(
      `${s.name.padEnd(12)} ${s.msPerStep.toFixed(1).padStart(8)} ${s.ratio.toFixed(2).padStart(11)} ${String(s.kernels).padStart(8)} ${String(s.computeKernels).padStart(8)}${s.dispatches !== undefined ? String(s.dispatches).padStart(11) : ''}`,
    );
  }
  lines.push(`sequence-level corpus: ${c.corpus} teacher samples in ${(r.corpusMs / 1000).toFixed(1)} s, once per run`);
  return lines.join('\n');
}
