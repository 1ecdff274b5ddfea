// The Experiments view's state and its one reducer, fed by the sweep worker's events and the
// visitor's choices. As state.ts: events of any sweep but the current one (by runId) are dropped,
// so nothing of a sweep that was stopped or replaced can show. Plain data, no tfjs.

import type { RunConfig, SizeSpec } from '../config';
import { DEFAULT_SMOOTHING, SWEEP_CONTROLS, type SweepConfig, type SweepControl } from '../sweepConfig';
import type { BackendInfo } from '../worker/protocol';
import type { SweepEvent, SweepMemoryInfo, SweepReport, SweepStatus } from '../worker/sweepProtocol';

/** What the visitor picked; the rest of a sweep's run comes from the page's settings. */
export interface SweepForm {
  temperatures: number[];
  alphas: number[];
  seeds: number[];
  controls: SweepControl[];
  /** Student sizes: more than one is a capacity ladder. */
  students: SizeSpec[];
  steps: number;
  evalEvery: number;
}

export const DEFAULT_SWEEP_FORM: SweepForm = {
  temperatures: [1, 4],
  alphas: [0.5, 0.9],
  seeds: [1, 2],
  controls: [...SWEEP_CONTROLS],
  students: ['student-s'],
  steps: 300,
  evalEvery: 50,
};

/** Choices offered by the form. */
export const SWEEP_CHOICES = {
  temperatures: [1, 2, 4, 8],
  alphas: [0.3, 0.5, 0.7, 0.9],
  seeds: [1, 2, 3, 4],
  students: ['tiny', 'student-s', 'student-m'] as SizeSpec[],
} as const;

export interface SweepProgressView {
  group: number;
  step: number;
  steps: number;
  stepsPerSec: number | null;
}

export interface SweepState {
  form: SweepForm;
  runId: number;
  /** The config of the sweep under way or last run (null before the first). */
  config: SweepConfig | null;
  status: SweepStatus;
  detail: string;
  group: number;
  progress: SweepProgressView | null;
  /** The latest report of each group (index: group). */
  reports: (SweepReport | undefined)[];
  memory: SweepMemoryInfo | null;
  error: string | null;
  backend: BackendInfo | null;
}

export function initialSweepState(form: SweepForm = DEFAULT_SWEEP_FORM): SweepState {
  return {
    form,
    runId: 0,
    config: null,
    status: 'idle',
    detail: '',
    group: 0,
    progress: null,
    reports: [],
    memory: null,
    error: null,
    backend: null,
  };
}

export type SweepAction =
  | { type: 'form'; form: Partial<SweepForm> }
  | { type: 'started'; runId: number; config: SweepConfig }
  | { type: 'stopping'; runId: number }
  | { type: 'event'; event: SweepEvent };

/** The sweep the form describes, on top of the page's settings (task, teacher, batch, lr, labelled rows, seed of the batches). */
export function sweepConfigFrom(form: SweepForm, run: RunConfig): SweepConfig {
  return {
    run: {
      ...run,
      steps: form.steps,
      evalEvery: form.evalEvery,
      patience: 0,
      hyper: { ...run.hyper, beta: 0, gamma: 0, delta: 0 },
    },
    temperatures: [...form.temperatures].sort((a, b) => a - b),
    alphas: [...form.alphas].sort((a, b) => a - b),
    seeds: [...form.seeds].sort((a, b) => a - b),
    controls: SWEEP_CONTROLS.filter((c) => form.controls.includes(c)),
    students: [...form.students],
    smoothing: DEFAULT_SMOOTHING,
  };
}

/** True while a sweep is under way (Start becomes Stop). */
export function sweepRunning(s: SweepState): boolean {
  switch (s.status) {
    case 'loading':
    case 'teacher':
    case 'caching':
    case 'training':
    case 'evaluating':
      return true;
    case 'idle':
    case 'done':
    case 'stopped':
    case 'error':
      return false;
    default: {
      const never: never = s.status;
      throw new Error(`unknown sweep status ${String(never)}`);
    }
  }
}

function onEvent(s: SweepState, e: SweepEvent): SweepState {
  if (e.type === 'sweepBackend') return { ...s, backend: e.info };
  if (e.runId !== s.runId) return s;
  switch (e.type) {
    case 'sweepStatus':
      return {
        ...s,
        status: e.status,
        detail: e.detail,
        group: e.group,
        error: e.status === 'error' ? (s.error ?? e.detail) : s.error,
      };
    case 'sweepMemory':
      return { ...s, memory: e.memory };
    case 'sweepProgress':
      return {
        ...s,
        group: e.group,
        progress: { group: e.group, step: e.step, steps: e.steps, stepsPerSec: e.stepsPerSec },
      };
    case 'sweepReport': {
      const reports = [...s.reports];
      reports[e.report.group] = e.report;
      return { ...s, reports };
    }
    case 'sweepError':
      return { ...s, status: 'error', error: e.message, detail: e.message };
    case 'sweepStopped':
      return s.status === 'done' || s.status === 'error' ? s : { ...s, status: 'stopped' };
    default: {
      const never: never = e;
      throw new Error(`unknown sweep event ${JSON.stringify(never)}`);
    }
  }
}

export function sweepReducer(s: SweepState, a: SweepAction): SweepState {
  switch (a.type) {
    case 'form':
      return { ...s, form: { ...s.form, ...a.form } };
    case 'started':
      return { ...initialSweepState(s.form), backend: s.backend, runId: a.runId, config: a.config, status: 'loading' };
    case 'stopping':
      return a.runId === s.runId && sweepRunning(s) ? { ...s, status: 'stopped', detail: '' } : s;
    case 'event':
      return onEvent(s, a.event);
    default: {
      const never: never = a;
      throw new Error(`unknown sweep action ${JSON.stringify(never)}`);
    }
  }
}
