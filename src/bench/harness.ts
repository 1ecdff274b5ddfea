// The benchmark's measurements, on whatever tfjs backend is active: every step kind on the product
// path and on the straightforward path (naiveGpt.ts, naiveStep.ts), timed in interleaved blocks so
// that ratios compare things measured under the same machine load; kernel dispatches per step
// (tf.profile); live tensors before/after many steps and across a reset.
//
// Times are wall-clock per block and include reading the losses back the way each path does it: the
// product reads pending step losses in one transfer every ~100 ms (as DistillationRun.flush), the
// straightforward path after every step. Each block ends with a readback, so the device has drained.

import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG, resolveSize, taskOptions, type Hyper, type RunConfig, type SizeSpec, type TaskId } from '../config';
import { buildTask } from '../data';
import type { Task } from '../data/task';
import { GPT } from '../model/gpt';
import { deriveSeed } from '../rng';
import { DEFAULT_ADAMW, type AdamWOptions } from '../train/adamw';
import { DistillationRun, fixedControl, type RunControl } from '../train/run';
import { DistillStep, modelConfigFor, TeacherStep } from '../train/steps';
import { NaiveGPT } from './naiveGpt';
import { NaiveDistillStep, NaiveHardStep } from './naiveStep';

export interface BenchConfig {
  task: TaskId;
  teacher: SizeSpec;
  student: SizeSpec;
  batchSize: number;
  seed: number;
  /** Logit KD: α, T as the product's defaults; β = γ = δ = 0. */
  kd: Hyper;
  /** KD with the intermediate terms on (teacher forward every step). */
  intermediate: Hyper;
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

export const STEP_KINDS = ['teacher', 'student', 'kd', 'kd-lockstep', 'kd-inter', 'kd-inter-lockstep'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const STEP_LABELS: Record<StepKind, string> = {
  teacher: 'teacher training step',
  student: 'student-only step (α=0, no teacher, one model)',
  kd: 'distillation step, logit KD (student alone, cached teacher logits)',
  'kd-lockstep': 'distillation step, logit KD, student + baseline in lockstep (what the product runs)',
  'kd-inter': 'distillation step with β,γ,δ > 0 (student alone, teacher forward per step)',
  'kd-inter-lockstep': 'distillation step with β,γ,δ > 0, student + baseline in lockstep',
};

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

type Path = 'optimised' | 'naive';

/** One thing to time: a step kind on one path. */
interface Subject {
  kind: StepKind;
  path: Path;
  /** Models trained per step (for tokens/s: the lockstep steps train two). */
  models: number;
  /** n steps, with the path's own readback. */
  run(n: number): Promise<void>;
  /** One step under tf.profile. */
  kernels(): Promise<KernelCount>;
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
  start: { tensors: number; bytes: number };
  /** Before the first distillation step (setup, teacher cache, first validation done). */
  firstStep: { tensors: number; bytes: number };
  /**
   * After the first step: it builds the teacher's softmax at the run's temperature (2 tensors, kept
   * until T changes), so this is the steady state the last step is compared with.
   */
  afterFirstStep: { tensors: number; bytes: number };
  /** After the last step and the final flush. */
  lastStep: { tensors: number; bytes: number };
  /** After run.dispose(). */
  afterReset: { tensors: number; bytes: number };
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

const FLUSH_MS = 100;

/** Reads pending step losses back in one transfer, as DistillationRun.flush does. */
async function flush(pending: tf.Tensor[]): Promise<void> {
  if (!pending.length) return;
  const all = tf.tidy(() => tf.concat(pending.map((t) => t.reshape([-1]))));
  await all.data();
  all.dispose();
  tf.dispose(pending);
  pending.length = 0;
}

/** n product steps with the product's readback: pending losses flushed every ~100 ms and at the end. */
async function runOptimised(n: number, step: () => tf.Tensor): Promise<void> {
  const pending: tf.Tensor[] = [];
  let last = performance.now();
  for (let i = 0; i < n; i++) {
    pending.push(step());
    if (performance.now() - last >= FLUSH_MS || pending.length >= 256) {
      await flush(pending);
      last = performance.now();
    }
  }
  await flush(pending);
}

export interface KernelCount {
  /** tf.profile's info.kernels.length: every kernel tfjs ran, bookkeeping ones included. */
  all: number;
  /**
   * Kernels that compute: without Reshape and Identity (metadata only on every backend: Identity is
   * how tfjs saves tensors for the backward pass), same-dtype Cast (an Identity), and the entries
   * tf.customGrad adds under its scope's name (they wrap kernels counted on their own).
   */
  compute: number;
  /** Kernel name → count, for the report. */
  byName: Record<string, number>;
}

const NO_OP_KERNELS = new Set(['Reshape', 'Identity']);

export async function profileKernels(f: () => Promise<unknown> | tf.Tensor): Promise<KernelCount> {
  const info = await tf.profile(async () => {
    const out = await f();
    if (out instanceof tf.Tensor) {
      await out.data();
      out.dispose();
    }
  });
  const backend = tf.getBackend();
  const byName: Record<string, number> = {};
  let compute = 0;
  for (const k of info.kernels) {
    byName[k.name] = (byName[k.name] ?? 0) + 1;
    const registered = tf.getKernel(k.name, backend) !== undefined;
    const noOp = NO_OP_KERNELS.has(k.name) || (k.name === 'Cast' && k.bytesAdded === 0);
    if (registered && !noOp) compute++;
  }
  return { all: info.kernels.length, compute, byName };
}

/** Counts real GPU compute dispatches while f runs (webgpu in Node, where the GPU* classes are global). */
async function countDispatches(f: () => Promise<unknown>): Promise<number | undefined> {
  const encoder = (globalThis as { GPUComputePassEncoder?: { prototype: { dispatchWorkgroups: (...a: unknown[]) => void } } }).GPUComputePassEncoder;
  if (tf.getBackend() !== 'webgpu' || !encoder) return undefined;
  const original = encoder.prototype.dispatchWorkgroups;
  let count = 0;
  encoder.prototype.dispatchWorkgroups = function (this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  try {
    await f();
  } finally {
    encoder.prototype.dispatchWorkgroups = original;
  }
  return count;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function memory(): { tensors: number; bytes: number } {
  const m = tf.memory();
  return { tensors: m.numTensors, bytes: m.numBytes };
}

/** Everything the subjects need, built once; dispose() frees it all. */
class Fixture {
  readonly task: Task;
  readonly adam: AdamWOptions = DEFAULT_ADAMW;
  private readonly disposers: (() => void)[] = [];

  constructor(readonly c: BenchConfig) {
    this.task = buildTask(c.task, taskOptions({ labelled: DEFAULT_CONFIG.labelled, transfer: DEFAULT_CONFIG.transfer }));
  }

  own<T extends { dispose(): void }>(x: T): T {
    this.disposers.push(() => x.dispose());
    return x;
  }

  teacher(): GPT {
    return this.own(GPT.init(modelConfigFor(resolveSize(this.c.teacher), this.task), deriveSeed(this.c.seed, 'init:teacher')));
  }

  async distiller(teacher: GPT): Promise<DistillStep> {
    const d = this.own(new DistillStep(teacher, this.task, resolveSize(this.c.student), this.c.seed, DEFAULT_CONFIG.labelled, this.adam));
    await d.cacheTeacher();
    return d;
  }

  dispose(): void {
    this.disposers.reverse().forEach((f) => f());
    this.disposers.length = 0;
  }
}

async function buildSubjects(f: Fixture, kinds: Set<StepKind>, naive: boolean): Promise<Subject[]> {
  const c = f.c;
  const lr = 1e-3;
  const subjects: Subject[] = [];
  const add = (kind: StepKind, path: Path, models: number, step: () => tf.Tensor | Promise<unknown>) => {
    if (!kinds.has(kind)) return;
    if (path === 'optimised') {
      const s = step as () => tf.Tensor;
      subjects.push({ kind, path, models, run: (n) => runOptimised(n, s), kernels: () => profileKernels(s) });
    } else {
      const s = step as () => Promise<unknown>;
      subjects.push({
        kind,
        path,
        models,
        run: async (n) => {
          for (let i = 0; i < n; i++) await s();
        },
        kernels: () => profileKernels(s),
      });
    }
  };

  // Frozen teacher shared by every distillation subject; a separate one is trained by the teacher subject.
  const frozen = f.teacher();
  frozen.variables().forEach((v) => (v.trainable = false));
  const naiveFrozen = naive ? f.own(NaiveGPT.fromGPT(frozen, false)) : null;

  if (kinds.has('teacher')) {
    const t = f.teacher();
    const ts = f.own(new TeacherStep(t, f.task, c.seed, f.adam));
    add('teacher', 'optimised', 1, () => ts.step(c.batchSize, lr));
    if (naive) {
      const nt = f.own(NaiveGPT.fromGPT(t));
      const ns = f.own(new NaiveHardStep(nt, f.task.teacherTrain, deriveSeed(c.seed, 'batches:teacher'), f.adam));
      add('teacher', 'naive', 1, () => ns.step(c.batchSize, lr));
    }
  }

  // One DistillStep (one teacher cache) serves every optimised distillation subject: the student-only
  // step is its baseline's update, the KD step its student's, the lockstep steps both. The models
  // learn from a mix of subjects, which changes what they learn, not what a step costs.
  const d = await f.distiller(frozen);
  add('student', 'optimised', 1, () => d.stepRole('baseline', c.kd, lr));
  add('kd', 'optimised', 1, () => d.stepRole('student', c.kd, lr));
  add('kd-lockstep', 'optimised', 2, () => d.step(c.kd, lr));
  add('kd-inter', 'optimised', 1, () => d.stepRole('student', c.intermediate, lr));
  add('kd-inter-lockstep', 'optimised', 2, () => d.step(c.intermediate, lr));

  if (naive && naiveFrozen) {
    const set = f.task.train;
    const student = () => f.own(NaiveGPT.fromGPT(d.student));
    const projections = () => d.projections.map((p) => f.own(tf.variable(p.clone())));
    const seed = deriveSeed(c.seed, 'batches:student');
    if (kinds.has('student')) {
      const ns = f.own(new NaiveHardStep(student(), set, seed, f.adam));
      add('student', 'naive', 1, () => ns.step(c.batchSize, lr));
    }
    const naiveDistill = (withBaseline: boolean) =>
      f.own(new NaiveDistillStep(naiveFrozen, student(), withBaseline ? student() : null, projections(), set, seed, DEFAULT_CONFIG.labelled, f.adam));
    if (kinds.has('kd')) {
      const s = naiveDistill(false);
      add('kd', 'naive', 1, () => s.step(c.kd, lr));
    }
    if (kinds.has('kd-lockstep')) {
      const s = naiveDistill(true);
      add('kd-lockstep', 'naive', 2, () => s.step(c.kd, lr));
    }
    if (kinds.has('kd-inter')) {
      const s = naiveDistill(false);
      add('kd-inter', 'naive', 1, () => s.step(c.intermediate, lr));
    }
    if (kinds.has('kd-inter-lockstep')) {
      const s = naiveDistill(true);
      add('kd-inter-lockstep', 'naive', 2, () => s.step(c.intermediate, lr));
    }
  }
  return subjects;
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
      log(`${id(s)}: ${kernels.get(id(s))!.all} kernels per step (${kernels.get(id(s))!.compute} compute), ${dispatches.get(id(s)) ?? '-'} dispatches`);
    }

    // Interleaved timing: every round runs one block of every subject.
    const times = new Map<string, number[]>(subjects.map((s) => [id(s), []]));
    for (let r = 0; r < c.rounds; r++) {
      for (const s of subjects) {
        const t0 = performance.now();
        await s.run(c.block);
        times.get(id(s))!.push((performance.now() - t0) / c.block);
      }
      log(`round ${r + 1}/${c.rounds}: ${subjects.map((s) => `${id(s)} ${times.get(id(s))![r].toFixed(1)} ms`).join(', ')}`);
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
      r.leak = { steps: n, tensorsBefore: before.tensors, tensorsAfter: after.tensors, bytesBefore: before.bytes, bytesAfter: after.bytes };
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
  let firstStep: { tensors: number; bytes: number } | null = null;
  let afterFirstStep: { tensors: number; bytes: number } | null = null;
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
  return { steps: run.distillStep, start, firstStep: firstStep!, afterFirstStep: afterFirstStep!, lastStep, afterReset };
}
