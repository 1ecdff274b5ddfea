// What a run reports, as plain data: the one home of these types. The ML core (src/train) produces
// them and the worker protocol (src/worker/protocol.ts) carries them to the UI unchanged, so this file
// imports nothing (no tfjs): the UI may use it, the core runs in Node and in the worker.

import type { Hyper } from './config';

/** The two training phases: the teacher's hard-label training, then distillation. */
export type TrainPhase = 'teacher' | 'distill';

/** What the worker is doing now: the training phases, and the states around them. */
export type Phase = 'idle' | 'loading' | TrainPhase | 'caching' | 'testing' | 'done' | 'error';

/** The terms of the objective (src/distill/losses.ts), in the order a step reports them. */
export const LOSS_TERMS = ['total', 'hard', 'soft', 'feature', 'attention', 'relation'] as const;
export type LossTerm = (typeof LOSS_TERMS)[number];

/** What a distillation step reports: the student's objective and terms, then the baseline's loss. */
export const STEP_VALUES = [...LOSS_TERMS, 'baseline'] as const;
export type StepValue = (typeof STEP_VALUES)[number];

/** The run's three models: the teacher, the distilled student and the baseline (the same student without the teacher). */
export type ModelRole = 'teacher' | 'student' | 'baseline';
export const MODEL_ROLES: readonly ModelRole[] = ['teacher', 'student', 'baseline'];

/** One training step's losses and the settings it ran with. */
export interface StepPoint {
  phase: TrainPhase;
  step: number;
  lr: number;
  temperature: number;
  alpha: number;
  /** Teacher phase: only `total` (= hard). Distillation: every term and the baseline's loss. */
  values: Partial<Record<StepValue, number>>;
}

/**
 * The hyperparameters in force from `step` of `phase` on (steps count from 1, as StepPoint's): the
 * first step of each phase has one, and so has every step whose values differ from the step before.
 */
export interface HyperRecord {
  phase: TrainPhase;
  step: number;
  hyper: Hyper;
}

export interface ReliabilityBin {
  /** Mean confidence of the predictions in the bin. */
  confidence: number;
  /** Fraction of them that were right. */
  accuracy: number;
  count: number;
}

/** One model's scores on a split (src/train/metrics.ts computes them). */
export interface ModelMetrics {
  /** Classification accuracy, or per-token accuracy for generation. */
  accuracy: number;
  /** Mean negative log-likelihood of the true outcome (nats). */
  nll: number;
  /** exp(nll): reported for generation tasks. */
  perplexity: number;
  macroF1?: number;
  precision?: number[];
  recall?: number[];
  /** confusion[true][predicted] counts. */
  confusion?: number[][];
  /** Expected calibration error over 10 equal-width confidence bins. */
  ece: number;
  reliability: ReliabilityBin[];
  /** Top-1 agreement with the teacher (absent for the teacher itself). */
  agreement?: number;
  /** Mean KL(teacher ‖ model) at T = 1 (absent for the teacher itself). */
  klToTeacher?: number;
  /** Mean KL(true distribution ‖ model), where the task knows the truth. */
  klToTruth?: number;
}

/** Student − baseline accuracy on the same rows, with its paired standard error (src/train/gain.ts). */
export interface PairedGain {
  /** Student accuracy − baseline accuracy (fraction, e.g. 0.12 = 12 points). */
  gain: number;
  /** Its standard error (same unit). */
  se: number;
  /** Scored positions. */
  n: number;
  /** Rows (independent units). */
  rows: number;
}

/** The models' scores at one evaluation. */
export interface EvalReport {
  phase: TrainPhase;
  step: number;
  split: 'val' | 'test';
  teacher?: ModelMetrics;
  student?: ModelMetrics;
  baseline?: ModelMetrics;
  gain?: PairedGain;
}
