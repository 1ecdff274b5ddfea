// A sweep: the members of src/sweepConfig.ts (baselines, a T × α grid, controls; every seed) trained
// as one stack per student size (StackedDistillStep: one set of batched kernels, the same batches),
// evaluated on the validation split at the run's interval, and reported as the heat-map's numbers
// (src/train/sweepReport.ts). Groups (student sizes: the capacity ladder) run one after another, each
// its own stack. As run.ts it reports only through callbacks and is steered through a control, so
// the tests and the worker drive the same code. The teacher is the caller's (loaded or trained),
// frozen, and not disposed here.
//
// Each member trains as DistillStep would with its seed and hyperparameters on the stack's batches
// (tests/stacked.test.ts); the learning rate follows the run's warm-up + cosine schedule. No early
// stopping: every member trains the run's steps, so the cells compare equal budgets.

import * as tf from '@tensorflow/tfjs';
import { DEFAULT_ADAMW } from './adamw';
import { resolveSize } from '../config';
import type { Task } from '../data/task';
import type { GPT } from '../model/gpt';
import { stackedMatMulMode } from '../model/stackedOps';
import { taskShape, type MemoryLimits } from '../memory';
import { checkSweepMemory, type SweepMemoryEstimate } from '../sweepMemory';
import {
  assertValidSweep,
  membersPerGroup,
  planMembers,
  studentParameters,
  type MemberPlan,
  type SweepConfig,
  type SweepReport,
} from '../sweepConfig';
import { evaluateModel, indexSplit, type ScoredIndex } from './evaluate';
import { scoredRowOf } from './gain';
import { VAL_ROWS, type RunControl } from './run';
import { learningRate } from './schedule';
import { StackedDistillStep, type MemberHyper } from './stackedStep';
import { sweepReport, type MemberOutput, type ScoredRows } from './sweepReport';

export type SweepPhase = 'caching' | 'training' | 'evaluating';

export interface SweepProgress {
  group: number;
  step: number;
  steps: number;
}

export interface SweepCallbacks {
  onPhase?(group: number, phase: SweepPhase, detail: string): void;
  /** About every flushMs while training. */
  onProgress?(p: SweepProgress): void;
  onReport?(report: SweepReport): void;
}

export type SweepControlHandle = Pick<RunControl, 'beforeStep' | 'stopped'>;

/** Never paused, never stopped (tests, CLI). */
export const freeRunning: SweepControlHandle = { beforeStep: async () => {}, stopped: () => false };

/**
 * The memory of the sweep's largest group, checked before anything is allocated: throws
 * SweepMemoryError with the estimate and the limit when it cannot fit.
 */
export function checkSweepFits(config: SweepConfig, task: Task, limits: MemoryLimits): SweepMemoryEstimate {
  const plan = planMembers(config);
  const sources = new Set(plan.map((m) => m.target)).size;
  const shape = taskShape(task);
  const estimates = config.students.map((student) =>
    checkSweepMemory(
      {
        teacher: config.run.teacher,
        student,
        batchSize: config.run.hyper.batchSize,
        members: plan.length,
        sources,
        intermediate: false,
        splitMatMuls: stackedMatMulMode() === 'split',
      },
      shape,
      limits,
    ),
  );
  return estimates.reduce((a, b) => (b.peak > a.peak ? b : a));
}

const hyperOf = (m: MemberPlan): MemberHyper => ({
  temperature: m.temperature,
  alpha: m.alpha,
  beta: 0,
  gamma: 0,
  delta: 0,
});

export class SweepRun {
  readonly plan: MemberPlan[];
  private readonly valIndex: ScoredIndex;
  private readonly scored: ScoredRows;
  private teacherAccuracy: number | null = null;
  private stack: StackedDistillStep | null = null;
  /** Reports of every evaluation so far (the last one of each group is final when the group finished). */
  readonly reports: SweepReport[] = [];

  constructor(
    readonly task: Task,
    readonly config: SweepConfig,
    readonly teacher: GPT,
    private readonly control: SweepControlHandle = freeRunning,
    private readonly callbacks: SweepCallbacks = {},
    private readonly flushMs = 100,
  ) {
    assertValidSweep(config);
    this.plan = planMembers(config);
    if (this.plan.length !== membersPerGroup(config)) throw new Error('planMembers and membersPerGroup disagree');
    this.valIndex = indexSplit(task, task.val, VAL_ROWS);
    this.scored = {
      k: this.valIndex.k,
      labels: this.valIndex.labels,
      rowOf: scoredRowOf(this.valIndex, task.val.seqLen),
    };
  }

  /** Trains and reports every group in order; resolves true when all finished, false when stopped. */
  async run(): Promise<boolean> {
    if (this.teacherAccuracy === null)
      this.teacherAccuracy = (
        await evaluateModel(this.teacher, this.task, this.task.val, this.valIndex)
      ).metrics.accuracy;
    for (let g = 0; g < this.config.students.length; g++) {
      if (this.control.stopped()) return false;
      if (!(await this.runGroup(g))) return false;
    }
    return true;
  }

  private async runGroup(group: number): Promise<boolean> {
    const { run } = this.config;
    const student = this.config.students[group];
    this.callbacks.onPhase?.(group, 'caching', `caching the soft targets of ${this.plan.length} students (${student})`);
    const stack = new StackedDistillStep(this.teacher, this.task, resolveSize(student), this.plan, {
      seed: run.seed,
      labelled: run.labelled,
      adam: { ...DEFAULT_ADAMW, weightDecay: run.weightDecay, clipNorm: run.clipNorm },
    });
    this.stack = stack;
    const pending: tf.Tensor[] = [];
    try {
      if (!(await stack.cacheTeacher({ stopped: () => this.control.stopped() }))) return false;
      this.callbacks.onPhase?.(
        group,
        'training',
        `training ${this.plan.length} students (${student}) for ${run.steps} steps`,
      );
      const hypers = this.plan.map(hyperOf);
      let last = Date.now();
      for (let step = 0; step < run.steps; step++) {
        await this.control.beforeStep();
        if (this.control.stopped()) return false;
        const lr = learningRate(step, run.hyper.lr, run.warmupSteps, run.steps);
        pending.push(stack.step(hypers, run.hyper.batchSize, lr)); // (K, MEMBER_VALUES)
        const done = step + 1;
        if (Date.now() - last >= this.flushMs || done === run.steps || done % run.evalEvery === 0) {
          // Waiting on the newest step's losses drains the queue (and lets a worker read messages).
          await pending[pending.length - 1].data();
          tf.dispose(pending.splice(0));
          last = Date.now();
          this.callbacks.onProgress?.({ group, step: done, steps: run.steps });
        }
        if (done % run.evalEvery === 0 || done === run.steps) {
          this.callbacks.onPhase?.(group, 'evaluating', `scoring ${this.plan.length} students at step ${done}`);
          const report = await this.evaluate(stack, group, done, done === run.steps);
          if (this.control.stopped()) return false;
          this.reports.push(report);
          this.callbacks.onReport?.(report);
          if (done < run.steps)
            this.callbacks.onPhase?.(
              group,
              'training',
              `training ${this.plan.length} students (${student}) for ${run.steps} steps`,
            );
        }
      }
      return true;
    } finally {
      tf.dispose(pending);
      stack.dispose();
      this.stack = null;
    }
  }

  /** Every member on the validation rows (a standalone copy each, as a single run scores its student). */
  private async evaluate(stack: StackedDistillStep, group: number, step: number, final: boolean): Promise<SweepReport> {
    const outputs: MemberOutput[] = [];
    for (let k = 0; k < stack.size; k++) {
      const model = stack.memberModel(k);
      try {
        const { metrics, probs } = await evaluateModel(model, this.task, this.task.val, this.valIndex);
        outputs.push({ plan: this.plan[k], probs, accuracy: metrics.accuracy });
      } finally {
        model.dispose();
      }
    }
    const student = this.config.students[group];
    return sweepReport(
      {
        config: this.config,
        group,
        parameters: studentParameters(student, this.task.vocab.length, this.task.seqLen),
        step,
        steps: this.config.run.steps,
        final,
        teacherAccuracy: this.teacherAccuracy ?? NaN,
      },
      outputs,
      this.scored,
    );
  }

  /** Frees the stack of a group stopped part way (run() frees it itself when it returns). */
  dispose(): void {
    this.stack?.dispose();
    this.stack = null;
  }
}
