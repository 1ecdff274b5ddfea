// A whole run: teacher phase (or a loaded teacher), then distillation with the baseline in lockstep,
// periodic validation, early stopping, and a final test report. Reports only through callbacks and
// is steered only through RunControl, so the CLI, the tests and the Web Worker drive the same code.

import * as tf from '@tensorflow/tfjs';
import { resolveSize, type Hyper, type RunConfig } from '../config';
import type { Task } from '../data/task';
import { GPT } from '../model/gpt';
import { deriveSeed } from '../rng';
import { DEFAULT_ADAMW, type AdamWOptions } from './adamw';
import { evaluateModel, indexSplit, type ScoredIndex } from './evaluate';
import {
  STEP_VALUES,
  type EvalReport,
  type HyperRecord,
  type ModelMetrics,
  type ModelRole,
  type StepPoint,
  type StepValue,
  type TrainPhase,
} from '../report';
import { pairedGain, scoredRowOf } from './gain';
import { learningRate } from './schedule';
import { DistillStep, modelConfigFor, TeacherStep } from './steps';
import { DivergedError } from './diverged';
import { EarlyStopping } from './earlyStopping';
import { restoreDistillPhase, restoreTeacherPhase, type RunCheckpoint } from './checkpoint';

export interface RunCallbacks {
  onPoints?(points: StepPoint[]): void;
  onEval?(report: EvalReport): void;
  onPhase?(phase: TrainPhase | 'caching' | 'done', detail: string): void;
  /** During distillation, when it changed: training rows whose teacher outputs are cached, of the total. */
  onCacheProgress?(done: number, total: number): void;
}

export interface RunControl {
  /** Hyperparameters for the next step: read at every step, so changes apply without a restart. */
  hyper(): Hyper;
  /** Awaited before every step: resolves at once while running, later while paused. */
  beforeStep(): Promise<void>;
  /** True once the run should end (reset, early stop from outside). */
  stopped(): boolean;
}

/** A control for runs that nobody steers (CLI, tests): fixed hyperparameters, never paused. */
export function fixedControl(hyper: Hyper): RunControl {
  return { hyper: () => hyper, beforeStep: async () => {}, stopped: () => false };
}

/**
 * Validation rows scored at each evaluation (the first of the split): the built-in tasks' whole
 * validation split (500 rows). More rows, smaller standard error of the KD gain: with 500 rows it is
 * about 2.5 points for the default scenario, so a gain of 5 points is told from noise.
 */
export const VAL_ROWS = 512;

export class DistillationRun {
  teacher: GPT;
  /** The distillation step once distillation has started (its teacher cache and batches: tests look inside). */
  distiller: DistillStep | null = null;
  private readonly adam: AdamWOptions;
  private readonly valIndex: ScoredIndex;
  private teacherVal: { metrics: ModelMetrics; probs: Float32Array } | null = null;
  /** Step-loss tensors not yet read back, with what was true at their step. */
  private pending: { values: tf.Tensor; point: Omit<StepPoint, 'values'> }[] = [];
  private lastFlush = 0;
  /** Steps taken in each phase. */
  private readonly taken: Record<TrainPhase, number> = { teacher: 0, distill: 0 };
  /** The hyperparameters each step actually ran with, as a list of changes (see HyperRecord). */
  readonly hyperHistory: HyperRecord[] = [];
  /** Set when early stopping put back earlier weights: the distillation step they are from, per model. */
  restoredFrom: { student: number; baseline: number } | null = null;
  /** The phase whose loop runs now (null before the first and after the last). */
  phase: TrainPhase | null = null;
  /** The teacher phase's step (batch order, optimizer) while that phase runs: a checkpoint saves it. */
  teacherTrainer: TeacherStep | null = null;
  /** The distillation phase's early-stopping state while that phase runs: a checkpoint saves it. */
  early: EarlyStopping | null = null;
  /** A checkpoint this run resumes from, applied when its phase's step objects exist (see resumeFrom). */
  private resuming: RunCheckpoint | null = null;

  constructor(
    readonly task: Task,
    readonly config: RunConfig,
    private readonly control: RunControl,
    private readonly callbacks: RunCallbacks = {},
    teacher?: GPT,
    private readonly flushMs = 100,
  ) {
    this.adam = { ...DEFAULT_ADAMW, weightDecay: config.weightDecay, clipNorm: config.clipNorm };
    this.teacher =
      teacher ?? GPT.init(modelConfigFor(resolveSize(config.teacher), task), deriveSeed(config.seed, 'init:teacher'));
    this.valIndex = indexSplit(task, task.val, VAL_ROWS);
  }

  /**
   * Makes this fresh run continue from `checkpoint` (src/train/checkpoint.ts): the step counters and
   * hyperparameter history now, the phase's optimizer, batch order and early-stopping state once
   * trainTeacher() or distill() builds them. The teacher's weights come in through the constructor.
   */
  resumeFrom(checkpoint: RunCheckpoint): void {
    if (this.taken.teacher || this.taken.distill || this.phase)
      throw new Error('a run can resume from a checkpoint only before it has started');
    this.taken.teacher = checkpoint.meta.taken.teacher;
    this.taken.distill = checkpoint.meta.taken.distill;
    this.hyperHistory.push(...checkpoint.meta.hyperHistory.map((r) => ({ ...r, hyper: { ...r.hyper } })));
    this.resuming = checkpoint;
  }

  /** The checkpoint to resume `phase` from, once (null when not resuming it). */
  private takeResume(phase: TrainPhase): RunCheckpoint | null {
    const c = this.resuming;
    if (!c || c.meta.phase !== phase) return null;
    this.resuming = null;
    return c;
  }

  get teacherStep(): number {
    return this.taken.teacher;
  }

  get distillStep(): number {
    return this.taken.distill;
  }

  /** One of the run's models: the teacher always; student and baseline once distillation has started (null before). */
  model(role: ModelRole): GPT | null {
    if (role === 'teacher') return this.teacher;
    return this.distiller?.[role] ?? null;
  }

  /** Hard-label training of the teacher for config.teacherSteps steps. */
  async trainTeacher(): Promise<void> {
    // A run resumed in distillation has its trained teacher already.
    if (this.resuming?.meta.phase === 'distill') return;
    const steps = this.config.teacherSteps;
    const trainer = new TeacherStep(this.teacher, this.task, this.config.seed, this.adam);
    const resume = this.takeResume('teacher');
    if (resume) restoreTeacherPhase(resume, trainer);
    this.callbacks.onPhase?.(
      'teacher',
      `training the teacher for ${steps} steps on ${this.task.teacherTrain.count} labelled examples` +
        (resume ? ` (resumed at step ${this.teacherStep})` : ''),
    );
    this.teacherTrainer = trainer;
    this.phase = 'teacher';
    try {
      await this.loop(
        'teacher',
        steps,
        (h, lr) => trainer.step(h.batchSize, lr),
        async () => {
          await this.flush();
          const { metrics } = await evaluateModel(this.teacher, this.task, this.task.val, this.valIndex);
          this.callbacks.onEval?.({ phase: 'teacher', step: this.teacherStep, split: 'val', teacher: metrics });
        },
      );
    } finally {
      this.phase = null;
      this.teacherTrainer = null;
      trainer.dispose();
    }
  }

  /**
   * Freezes the teacher and trains student and baseline in lockstep. The teacher's outputs are
   * cached row by row as batches first need them (no up-front pass over the training set), and
   * reported through onCacheProgress at each flush until every row is cached.
   */
  async distill(): Promise<void> {
    this.teacher.variables().forEach((v) => (v.trainable = false));
    const d = new DistillStep(
      this.teacher,
      this.task,
      resolveSize(this.config.student),
      this.config.seed,
      this.config.labelled,
      this.adam,
    );
    this.distiller = d;
    const steps = this.config.steps;
    const early = new EarlyStopping(this.config.patience);
    this.early = early;
    const resume = this.takeResume('distill');
    if (resume) restoreDistillPhase(resume, d, early);
    this.callbacks.onPhase?.(
      'distill',
      `distilling for ${steps} steps` + (resume ? ` (resumed at step ${this.distillStep})` : ''),
    );
    this.phase = 'distill';
    // The validation before the first step was reported (and observed) before the checkpoint.
    if (!resume) await this.validate(early);
    await this.loop(
      'distill',
      steps,
      (h, lr) => d.step(h, lr),
      () => this.validate(early),
      () => early.shouldStop,
    );
    this.phase = null;
    if (this.config.patience > 0) this.restoredFrom = early.restoreBest(d);
    this.early = null;
    early.dispose();
    this.callbacks.onPhase?.(
      'done',
      early.shouldStop ? `stopped early at step ${this.distillStep}` : `finished ${this.distillStep} steps`,
    );
  }

  /**
   * The training loop of either phase: until `steps` steps are taken, the run is stopped or `done()`,
   * it waits for the control, takes one step, reports its losses a few times a second, and runs
   * `evaluate` every evalEvery steps and after the last one.
   */
  private async loop(
    phase: TrainPhase,
    steps: number,
    step: (h: Hyper, lr: number) => tf.Tensor,
    evaluate: () => Promise<void>,
    done: () => boolean = () => false,
  ): Promise<void> {
    while (this.taken[phase] < steps && !this.control.stopped() && !done()) {
      await this.control.beforeStep();
      if (this.control.stopped()) break;
      this.takeStep(phase, steps, step);
      await this.maybeFlush();
      if (this.taken[phase] % this.config.evalEvery === 0 || this.taken[phase] === steps) await evaluate();
    }
    await this.flush();
  }

  /** One step of `phase` with the current hyperparameters; its losses wait in `pending` for the next flush. */
  private takeStep(phase: TrainPhase, steps: number, step: (h: Hyper, lr: number) => tf.Tensor): void {
    const n = this.taken[phase];
    const h = this.readHyper(phase, n + 1);
    const lr = learningRate(n, h.lr, this.config.warmupSteps, steps);
    const values = step(h, lr);
    this.taken[phase] = n + 1;
    this.pending.push({ values, point: { phase, step: n + 1, lr, temperature: h.temperature, alpha: h.alpha } });
  }

  /** One distillation step with the current hyperparameters (also the worker's single-step button). */
  singleDistillStep(): void {
    const d = this.distiller;
    if (!d) throw new Error('distillation has not started');
    this.takeStep('distill', this.config.steps, (h, lr) => d.step(h, lr));
  }

  /** The control's hyperparameters for `step` of `phase`, recorded in hyperHistory when they changed. */
  private readHyper(phase: TrainPhase, step: number): Hyper {
    const h = { ...this.control.hyper() };
    const last = this.hyperHistory[this.hyperHistory.length - 1];
    const prev = last?.phase === phase ? last.hyper : undefined;
    if (!prev || (Object.keys(h) as (keyof Hyper)[]).some((k) => h[k] !== prev[k]))
      this.hyperHistory.push({ phase, step, hyper: h });
    return h;
  }

  private async validate(early: EarlyStopping): Promise<void> {
    await this.flush();
    const report = this.distillStep === 0 ? await this.initialReport() : await this.evaluateStudents('val');
    early.observe(report, this.task.kind, this.distiller!);
    this.callbacks.onEval?.(report);
  }

  /**
   * The validation before the first step: student and baseline start as the same weights, so one of
   * them is scored and stands for both, and the teacher's pass over the split waits for the first
   * real validation (so the first step comes sooner).
   */
  private async initialReport(): Promise<EvalReport> {
    const set = this.task.val;
    const student = await evaluateModel(this.distiller!.student, this.task, set, this.valIndex);
    const n = this.valIndex.labels.length;
    const rows = new Set(scoredRowOf(this.valIndex, set.seqLen)).size;
    return {
      phase: 'distill',
      step: 0,
      split: 'val',
      student: student.metrics,
      baseline: student.metrics,
      gain: { gain: 0, se: 0, n, rows },
    };
  }

  /** Teacher, distilled student and baseline on a split ('test' uses the whole split). */
  async evaluateStudents(split: 'val' | 'test'): Promise<EvalReport> {
    const d = this.distiller;
    if (!d) throw new Error('distillation has not started');
    const set = split === 'val' ? this.task.val : this.task.test;
    const index = split === 'val' ? this.valIndex : indexSplit(this.task, set);
    // The teacher is frozen during distillation: its validation outputs are computed once.
    const teacher =
      split === 'val'
        ? (this.teacherVal ??= await evaluateModel(this.teacher, this.task, set, index))
        : await evaluateModel(this.teacher, this.task, set, index);
    const student = await evaluateModel(d.student, this.task, set, index, teacher.probs);
    const baseline = await evaluateModel(d.baseline, this.task, set, index, teacher.probs);
    const gain = pairedGain(student.probs, baseline.probs, index.k, index.labels, scoredRowOf(index, set.seqLen));
    return {
      phase: 'distill',
      step: this.distillStep,
      split,
      teacher: teacher.metrics,
      student: student.metrics,
      baseline: baseline.metrics,
      gain,
    };
  }

  private async maybeFlush(): Promise<void> {
    const now = Date.now();
    if (now - this.lastFlush >= this.flushMs || this.pending.length >= 256) await this.flush();
  }

  /**
   * Reads back all pending step losses in one transfer and reports them. Throws DivergedError when one
   * is NaN or ±Inf (after reporting the finite ones before it).
   */
  async flush(): Promise<void> {
    this.lastFlush = Date.now();
    this.reportCache();
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    const all = tf.tidy(() => tf.concat(batch.map((p) => p.values.reshape([-1]))));
    const data = await all.data();
    all.dispose();
    let offset = 0;
    const points: StepPoint[] = batch.map(({ values, point }) => {
      const n = values.size;
      const names: readonly StepValue[] = point.phase === 'teacher' ? ['total'] : STEP_VALUES;
      const out: StepPoint = { ...point, values: {} };
      names.forEach((name, i) => (out.values[name] = data[offset + i]));
      offset += n;
      values.dispose();
      return out;
    });
    // Points up to the first non-finite one are reported; from there on training has diverged.
    const bad = points.findIndex((p) => Object.values(p.values).some((x) => !Number.isFinite(x)));
    this.callbacks.onPoints?.(bad < 0 ? points : points.slice(0, bad));
    if (bad >= 0) {
      const p = points[bad];
      const [value, got] = Object.entries(p.values).find(([, x]) => !Number.isFinite(x))!;
      throw new DivergedError(p.phase, p.step, `the ${value} loss became ${got}`);
    }
  }

  private cacheReported = -1;

  /** Rows of the teacher cache filled so far, when that changed since the last report. */
  private reportCache(): void {
    const c = this.distiller?.cache;
    if (!c || c.cached === this.cacheReported) return;
    this.cacheReported = c.cached;
    this.callbacks.onCacheProgress?.(c.cached, c.count);
  }

  dispose(): void {
    this.pending.forEach((p) => p.values.dispose());
    this.pending = [];
    this.distiller?.dispose();
    this.distiller = null;
    this.early?.dispose();
    this.early = null;
    this.teacher.dispose();
  }
}
