// The benchmark, on whatever tfjs backend is active: every step kind of src/bench/subjects.ts on the
// product path and on the straightforward path, timed in interleaved blocks so that ratios compare
// things measured under the same machine load; kernel dispatches per step (tf.profile); live tensors
// before/after many steps and across a reset. The measuring helpers are src/bench/measure.ts.
//
// Times are wall-clock per block and include reading the losses back the way each path does it: the
// product reads pending step losses in one transfer every ~100 ms (as DistillationRun.flush), the
// straightforward path after every step. Each block ends with a readback, so the device has drained.

import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG, type Hyper, type RunConfig, type SizeSpec, type TaskId } from '../config';
import type { Task } from '../data/task';
import { DistillationRun, fixedControl, type RunControl } from '../train/run';
import { countDispatches, median, memory, type KernelCount, type MemorySample } from './measure';
import {
  buildSubjects,
  Fixture,
  OBJECTIVE_KINDS,
  STEP_KINDS,
  STEP_LABELS,
  type Path,
  type StepKind,
  type Subject,
  type SubjectConfig,
} from './subjects';

export interface BenchConfig extends SubjectConfig {
  /** Interleaved timing: rounds × blocks of `block` steps for every subject. */
  rounds: number;
  block: number;
  /** Untimed steps per subject before timing. */
  warmup: number;
  /** Steps for the leak check of each subject (capped by leakSeconds per subject). */
  leakSteps: number;
  leakSeconds: number;
  /** Steps of the whole-run leak check (DistillationRun.distill, then dispose). */
  runSteps: number;
  /** Only the step kinds whose names are listed (default: all). */
  only?: StepKind[];
  /** Skip the straightforward path. */
  noNaive?: boolean;
}

export function defaultBenchConfig(): BenchConfig {
  const kd: Hyper = { ...DEFAULT_CONFIG.hyper, batchSize: 32, lr: 1e-3 };
  return {
    task: 'sentiment',
    teacher: 'teacher-m',
    student: 'student-s',
    batchSize: 32,
    seed: 1,
    kd,
    intermediate: { ...kd, beta: 1, gamma: 1, delta: 1 },
    rounds: 5,
    block: 20,
    warmup: 3,
    leakSteps: 1000,
    leakSeconds: 60,
    runSteps: 1000,
  };
}

export interface KindResult {
  kind: StepKind;
  label: string;
  path: Path;
  stepsPerSec: number;
  /** Input tokens per second: steps/s × B × T (per step, every model in the step reads the batch once). */
  tokensPerSec: number;
  msPerStep: number[];
  kernelsPerStep: number;
  /** Kernels per step that compute (see KernelCount.compute). */
  computeKernelsPerStep: number;
  kernelsByName: Record<string, number>;
  /** Real GPU dispatches per step (webgpu only: dispatchWorkgroups calls). */
  dispatchesPerStep?: number;
  leak?: LeakResult;
}

export interface LeakResult {
  steps: number;
  tensorsBefore: number;
  tensorsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
}

export interface RunLeakResult {
  steps: number;
  /** Before anything of the run exists. */
  start: MemorySample;
  /** Before the first distillation step (setup, teacher cache, first validation done). */
  firstStep: MemorySample;
  /**
   * After the first step: it builds the teacher's softmax at the run's temperature (2 tensors, kept
   * until T changes), so this is the steady state the last step is compared with.
   */
  afterFirstStep: MemorySample;
  /** After the last step and the final flush. */
  lastStep: MemorySample;
  /** After run.dispose(). */
  afterReset: MemorySample;
}

export interface BenchResult {
  backend: string;
  config: {
    task: TaskId;
    vocabSize: number;
    seqLen: number;
    teacher: SizeSpec;
    student: SizeSpec;
    batchSize: number;
    kd: Hyper;
    intermediate: Hyper;
    rounds: number;
    block: number;
  };
  results: KindResult[];
  /** Median over rounds of the per-round ratio of ms/step (a / b), both measured in the same round. */
  ratios: { name: string; a: string; b: string; median: number; perRound: number[] }[];
  run?: RunLeakResult;
}

export interface BenchHooks {
  log?(line: string): void;
}

export async function runBench(c: BenchConfig, hooks: BenchHooks = {}): Promise<BenchResult> {
  const log = hooks.log ?? (() => {});
  const kinds = new Set<StepKind>(c.only ?? STEP_KINDS);
  const fixture = new Fixture(c);
  const T = fixture.task.seqLen;
  const result: BenchResult = {
    backend: tf.getBackend(),
    config: {
      task: c.task,
      vocabSize: fixture.task.vocab.length,
      seqLen: T,
      teacher: c.teacher,
      student: c.student,
      batchSize: c.batchSize,
      kd: c.kd,
      intermediate: c.intermediate,
      rounds: c.rounds,
      block: c.block,
    },
    results: [],
    ratios: [],
  };
  try {
    log('building models and caching the teacher');
    const subjects = await buildSubjects(fixture, kinds, !c.noNaive);
    const id = (s: Subject) => `${s.kind}/${s.path}`;

    // Warm-up (shader compilation, allocator growth), then kernels and dispatches per step.
    const kernels = new Map<string, KernelCount>();
    const dispatches = new Map<string, number | undefined>();
    for (const s of subjects) {
      await s.run(c.warmup);
      kernels.set(id(s), await s.kernels());
      dispatches.set(id(s), await countDispatches(() => s.run(1)));
      log(
        `${id(s)}: ${kernels.get(id(s))!.all} kernels per step (${kernels.get(id(s))!.compute} compute), ${dispatches.get(id(s)) ?? '-'} dispatches`,
      );
    }

    // Interleaved timing: every round runs one block of every subject.
    const times = new Map<string, number[]>(subjects.map((s) => [id(s), []]));
    for (let r = 0; r < c.rounds; r++) {
      for (const s of subjects) {
        const t0 = performance.now();
        await s.run(c.block);
        times.get(id(s))!.push((performance.now() - t0) / c.block);
      }
      log(
        `round ${r + 1}/${c.rounds}: ${subjects.map((s) => `${id(s)} ${times.get(id(s))![r].toFixed(1)} ms`).join(', ')}`,
      );
    }

    for (const s of subjects) {
      const ms = times.get(id(s))!;
      const sps = 1000 / median(ms);
      result.results.push({
        kind: s.kind,
        label: STEP_LABELS[s.kind],
        path: s.path,
        stepsPerSec: sps,
        tokensPerSec: sps * c.batchSize * T * s.models,
        msPerStep: ms,
        kernelsPerStep: kernels.get(id(s))!.all,
        computeKernelsPerStep: kernels.get(id(s))!.compute,
        kernelsByName: kernels.get(id(s))!.byName,
        dispatchesPerStep: dispatches.get(id(s)),
      });
    }
    const ratio = (name: string, a: string, b: string) => {
      const ta = times.get(a);
      const tb = times.get(b);
      if (!ta || !tb) return;
      const perRound = ta.map((x, i) => x / tb[i]);
      result.ratios.push({ name, a, b, median: median(perRound), perRound });
    };
    ratio('KD step / student-only step (target ≤ 1.10)', 'kd/optimised', 'student/optimised');
    ratio('lockstep KD step / student-only step', 'kd-lockstep/optimised', 'student/optimised');
    ratio('intermediate KD step / student-only step', 'kd-inter/optimised', 'student/optimised');
    ratio('naive: KD step / student-only step', 'kd/naive', 'student/naive');
    for (const k of STEP_KINDS) ratio(`speed-up ${k}: naive / optimised`, `${k}/naive`, `${k}/optimised`);
    for (const k of OBJECTIVE_KINDS) ratio(`${k} step / logit KD (forward KL) step`, `${k}/optimised`, 'kd/optimised');

    // Leaks: live tensors before/after many steps of each subject.
    for (const s of subjects) {
      const t0 = performance.now();
      await s.run(1);
      const perStep = performance.now() - t0;
      const n = Math.max(1, Math.min(c.leakSteps, Math.floor((c.leakSeconds * 1000) / Math.max(perStep, 1e-3))));
      const before = memory();
      await s.run(n);
      const after = memory();
      const r = result.results.find((x) => x.kind === s.kind && x.path === s.path)!;
      r.leak = {
        steps: n,
        tensorsBefore: before.tensors,
        tensorsAfter: after.tensors,
        bytesBefore: before.bytes,
        bytesAfter: after.bytes,
      };
      log(`${id(s)}: ${n} steps, tensors ${before.tensors} → ${after.tensors}`);
    }
  } finally {
    fixture.dispose();
  }

  if (c.runSteps > 0) {
    log(`whole run: ${c.runSteps} distillation steps, then reset`);
    result.run = await runLeak(c, fixture.task);
  }
  return result;
}

/** A whole DistillationRun (cache, validation, lockstep steps, flushes), then dispose: nothing may remain. */
async function runLeak(c: BenchConfig, task: Task): Promise<RunLeakResult> {
  const start = memory();
  const config: RunConfig = {
    ...DEFAULT_CONFIG,
    task: c.task,
    seed: c.seed,
    teacher: c.teacher,
    student: c.student,
    hyper: c.kd,
    steps: c.runSteps,
    evalEvery: Math.max(1, Math.floor(c.runSteps / 2)),
  };
  let firstStep: MemorySample | null = null;
  let afterFirstStep: MemorySample | null = null;
  let calls = 0;
  const control: RunControl = {
    ...fixedControl(c.kd),
    beforeStep: async () => {
      calls++;
      if (calls === 1) firstStep = memory();
      // pending step losses are read back every ~100 ms: count after a flush, without pending ones
      if (calls === 2) {
        await run.flush();
        afterFirstStep = memory();
      }
    },
  };
  const run = new DistillationRun(task, config, control);
  await run.distill();
  const lastStep = memory();
  run.dispose();
  const afterReset = memory();
  return {
    steps: run.distillStep,
    start,
    firstStep: firstStep!,
    afterFirstStep: afterFirstStep!,
    lastStep,
    afterReset,
  };
}
