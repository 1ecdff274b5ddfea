// The UI's state and the one reducer that changes it: fed by worker events and by the visitor's
// actions. Events from any run but the current one (by runId) are dropped, so nothing from a run
// that was reset or replaced can show. Series are bounded (see series.ts).

import type { Hyper, RunConfig, TaskId } from '../config';
import { displayValue, HYPER_SETTINGS } from '../settings';
import type {
  BackendInfo,
  EvalReport,
  Latency,
  LossKey,
  LossPoint,
  Phase,
  PredictionResult,
  RunFault,
  ShippedTeacher,
  Speed,
  TaskInfo,
  TrainPhase,
  WorkerEvent,
} from '../worker/protocol';
import { initialRuns, reduceRuns, type RunsAction, type RunsState } from './runsState';
import { appendBounded } from './series';
import { initialStoredRun, reduceStoredRun, type StoredRunAction, type StoredRunState } from './storedRunState';

/** Points drawn per loss chart, and kept for export. */
export const CHART_POINTS = 1000;
export const HISTORY_POINTS = 20_000;
export const MAX_EVALS = 2000;
export const MAX_MARKERS = 40;

export type LossRow = { step: number } & Partial<Record<LossKey, number>>;

export interface AccuracyRow {
  step: number;
  teacher?: number;
  student?: number;
  baseline?: number;
  /** student − baseline. */
  gain?: number;
  /** The gain's paired standard error, and the ±2 SE band drawn around it. */
  gainSe?: number;
  gainBand?: [number, number];
}

export interface Marker {
  phase: TrainPhase;
  step: number;
  label: string;
}

export type RunStatus = 'idle' | 'running' | 'paused' | 'done' | 'error';

export interface RunView {
  runId: number;
  /** The config this run was started with (null before a start): what the runs table records. */
  config: RunConfig | null;
  /**
   * The task this run trains on, as it was at the start (null until described): the run's panels
   * (examples, confusion labels, summary) show it, so a task chosen or uploaded mid-run never mixes in.
   */
  taskInfo: TaskInfo | null;
  phase: Phase;
  detail: string;
  /** Steps the current phase will run (for progress). */
  totalSteps: number;
  /** While caching the teacher's outputs: training rows done of the total. */
  cache: { done: number; total: number } | null;
  paused: boolean;
  /** Whether a run was started with this id (false after a reset until the next start). */
  started: boolean;
  teacherStep: number;
  distillStep: number;
  /** Steps each phase runs, from its phase event (kept after the phase ends, for the counter). */
  teacherTotal: number;
  distillTotal: number;
  teacherLoss: LossRow[];
  distillLoss: LossRow[];
  teacherAccuracy: AccuracyRow[];
  distillAccuracy: AccuracyRow[];
  /** Every step (bounded) and every evaluation, for CSV/JSON export. */
  history: LossPoint[];
  evals: EvalReport[];
  latestVal: EvalReport | null;
  test: EvalReport | null;
  markers: Marker[];
  speed: Speed | null;
  latency: Latency;
  notice: string | null;
  /** The last fault the worker met in this run (divergence, device lost), until dismissed. */
  fault: RunFault | null;
  error: string | null;
  prediction: PredictionResult | null;
  predictionError: string | null;
}

export interface UploadState {
  busy: boolean;
  name: string | null;
  error: string | null;
  summary: string | null;
  /**
   * The task of a file accepted while a run was under way: it waits for the next Start (the running
   * run keeps its data, and the page keeps showing that data). Null when nothing is staged.
   */
  staged: { task: TaskId; name: string } | null;
}

export interface AppState {
  config: RunConfig;
  urlWarnings: string[];
  /** The teacher size was chosen (URL or picker): a shipped teacher's size does not replace it. */
  teacherExplicit: boolean;
  backend: BackendInfo | null;
  task: { id: TaskId; info: TaskInfo | null; error: string | null };
  shipped: ShippedTeacher | null;
  upload: UploadState;
  /** The input of the predictions panel (an example or typed text). */
  predictInput: string | null;
  run: RunView;
  /** The runs table (runs kept in IndexedDB). */
  runs: RunsState;
  /** The active-run slot: a saved run to resume, what is wrong with one, storage notices (issue 11). */
  stored: StoredRunState;
}

export function emptyRun(
  runId: number,
  started = false,
  paused = false,
  config: RunConfig | null = null,
  taskInfo: TaskInfo | null = null,
): RunView {
  return {
    runId,
    config,
    taskInfo,
    phase: started ? 'loading' : 'idle',
    detail: '',
    totalSteps: 0,
    cache: null,
    paused,
    started,
    teacherStep: 0,
    distillStep: 0,
    teacherTotal: 0,
    distillTotal: 0,
    teacherLoss: [],
    distillLoss: [],
    teacherAccuracy: [],
    distillAccuracy: [],
    history: [],
    evals: [],
    latestVal: null,
    test: null,
    markers: [],
    speed: null,
    latency: {},
    notice: null,
    fault: null,
    error: null,
    prediction: null,
    predictionError: null,
  };
}

export function initialState(config: RunConfig, urlWarnings: string[] = [], teacherExplicit = false): AppState {
  return {
    config,
    urlWarnings,
    teacherExplicit,
    backend: null,
    task: { id: config.task, info: null, error: null },
    shipped: null,
    upload: { busy: false, name: null, error: null, summary: null, staged: null },
    predictInput: null,
    run: emptyRun(1),
    runs: initialRuns(),
    stored: initialStoredRun(),
  };
}

export type Action =
  | { type: 'event'; event: WorkerEvent }
  | { type: 'config'; config: RunConfig; teacherExplicit?: boolean }
  | { type: 'hyper'; hyper: Hyper }
  /** A run was started (or Step pressed when idle) under a fresh id. */
  | { type: 'started'; runId: number; paused: boolean }
  | { type: 'reset'; runId: number }
  | { type: 'uploading'; name: string }
  /** The staged upload's task became the chosen one (at Start). */
  | { type: 'stagedApplied' }
  | { type: 'predictInput'; input: string }
  | { type: 'dismissWarnings' }
  | { type: 'dismissFault' }
  | { type: 'runs'; action: RunsAction }
  | { type: 'stored'; action: StoredRunAction }
  /**
   * The run on screen replaced by `run`: one put back from its stored checkpoint under a fresh id (the
   * controller posts the start right after), or the same run rolled back to a checkpoint after a fault.
   */
  | { type: 'restored'; run: RunView };

/**
 * The task whose data the run on screen uses: the run's own description once it has started, else
 * the chosen task's. Panels that show a run's results (examples, confusion labels, summary) read this.
 */
export function runTaskInfo(state: AppState): TaskInfo | null {
  return state.run.started && state.run.taskInfo ? state.run.taskInfo : state.task.info;
}

/** What the buttons can do now. */
export function runStatus(run: RunView): RunStatus {
  if (run.phase === 'error') return 'error';
  if (run.phase === 'done') return 'done';
  if (!run.started || run.phase === 'idle') return 'idle';
  return run.paused ? 'paused' : 'running';
}

export interface StepCounter {
  /** The phase whose steps are counted; null before any training step or phase. */
  phase: TrainPhase | null;
  step: number;
  /** Steps that phase runs (0 when not known). */
  total: number;
}

/**
 * The one step counter the page shows: the step within the current training phase and that
 * phase's total ("teacher step 50 / 100", then "distillation step 89 / 300"), the same numbers as
 * the progress bar and the x axis of the phase's curves. While caching it still shows the teacher's.
 */
export function stepCounter(run: RunView): StepCounter {
  if (run.phase === 'distill' || run.phase === 'testing' || run.phase === 'done' || run.distillStep > 0) {
    return { phase: 'distill', step: run.distillStep, total: run.distillTotal };
  }
  if (run.phase === 'teacher' || run.teacherStep > 0)
    return { phase: 'teacher', step: run.teacherStep, total: run.teacherTotal };
  return { phase: null, step: 0, total: 0 };
}

const fmt = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? String(Number(v.toPrecision(3))) : v.toExponential(1));

export function markerLabel(changes: Partial<Record<keyof Hyper, { from: number; to: number }>>): string {
  return (Object.keys(changes) as (keyof Hyper)[])
    .map((k) => {
      const m = HYPER_SETTINGS[k];
      const to = changes[k]!.to;
      return `${m.symbol}=${m.choices ? displayValue(m, to) : fmt(to)}`;
    })
    .join(' ');
}

function accuracyRow(r: EvalReport): AccuracyRow {
  const row: AccuracyRow = { step: r.step };
  if (r.teacher) row.teacher = r.teacher.accuracy;
  if (r.student) row.student = r.student.accuracy;
  if (r.baseline) row.baseline = r.baseline.accuracy;
  if (r.student && r.baseline) row.gain = r.student.accuracy - r.baseline.accuracy;
  if (r.gain) {
    row.gain = r.gain.gain;
    row.gainSe = r.gain.se;
    row.gainBand = [r.gain.gain - 2 * r.gain.se, r.gain.gain + 2 * r.gain.se];
  }
  return row;
}

function lossRows(points: readonly LossPoint[]): LossRow[] {
  return points.map((p) => ({ step: p.step, ...p.values }));
}

export function reduceRun(run: RunView, e: RunEvent): RunView {
  switch (e.type) {
    case 'phase':
      return {
        ...run,
        phase: e.phase,
        detail: e.detail,
        totalSteps: e.totalSteps,
        ...(e.phase === 'teacher'
          ? { teacherTotal: e.totalSteps }
          : e.phase === 'distill'
            ? { distillTotal: e.totalSteps }
            : {}),
        cache: null,
        error: e.phase === 'error' ? (run.error ?? e.detail) : run.error,
      };
    case 'cacheProgress':
      return { ...run, cache: { done: e.done, total: e.total } };
    case 'paused':
      return { ...run, paused: e.paused };
    case 'points': {
      const teacher = e.points.filter((p) => p.phase === 'teacher');
      const distill = e.points.filter((p) => p.phase === 'distill');
      return {
        ...run,
        teacherStep: teacher.length ? teacher[teacher.length - 1].step : run.teacherStep,
        distillStep: distill.length ? distill[distill.length - 1].step : run.distillStep,
        teacherLoss: appendBounded(run.teacherLoss, lossRows(teacher), CHART_POINTS),
        distillLoss: appendBounded(run.distillLoss, lossRows(distill), CHART_POINTS),
        history: appendBounded(run.history, e.points, HISTORY_POINTS),
        speed: e.speed ?? run.speed,
      };
    }
    case 'eval': {
      const r = e.report;
      const evals = appendBounded(run.evals, [r], MAX_EVALS);
      if (r.split === 'test') return { ...run, test: r, evals };
      const key = r.phase === 'teacher' ? 'teacherAccuracy' : 'distillAccuracy';
      return { ...run, evals, latestVal: r, [key]: appendBounded(run[key], [accuracyRow(r)], CHART_POINTS) };
    }
    case 'hyperApplied': {
      const marker: Marker = { phase: e.phase, step: e.step, label: markerLabel(e.changes) };
      const last = run.markers[run.markers.length - 1];
      const markers =
        last && last.phase === marker.phase && last.step === marker.step
          ? [...run.markers.slice(0, -1), marker]
          : [...run.markers, marker];
      return { ...run, markers: markers.slice(-MAX_MARKERS) };
    }
    case 'notice':
      return { ...run, notice: e.message };
    case 'prediction':
      return { ...run, prediction: e.result, predictionError: null };
    case 'predictionError':
      return { ...run, predictionError: e.message };
    case 'latency':
      return { ...run, latency: { ...run.latency, ...e.latency } };
    case 'exported':
    case 'exportedScript':
    case 'checkpoint': // stored by the client (not state): see the resume work of issue 11
      return run;
    case 'fault':
      return { ...run, fault: e.fault };
    case 'error':
      return { ...run, error: e.message };
    case 'resetDone':
      return run;
    default: {
      const never: never = e;
      return never;
    }
  }
}

export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'config': {
      const taskChanged = action.config.task !== state.config.task;
      return {
        ...state,
        config: action.config,
        teacherExplicit: action.teacherExplicit ?? state.teacherExplicit,
        task: taskChanged ? { id: action.config.task, info: null, error: null } : state.task,
        // A task chosen after a staged upload wins over it (the file stays the custom task's data).
        upload: taskChanged && state.upload.staged ? { ...state.upload, staged: null } : state.upload,
        shipped: taskChanged ? null : state.shipped,
        predictInput: taskChanged ? null : state.predictInput,
      };
    }
    case 'hyper':
      return { ...state, config: { ...state.config, hyper: action.hyper } };
    case 'started': {
      // The worker starts with this config (the controller posts it right after): keep it with the run,
      // and the chosen task's description if it has come (else the first one for that task fills it).
      const info = state.task.id === state.config.task ? state.task.info : null;
      return { ...state, run: emptyRun(action.runId, true, action.paused, state.config, info) };
    }
    case 'reset':
      return { ...state, run: emptyRun(action.runId) };
    case 'uploading':
      return { ...state, upload: { ...state.upload, busy: true, name: action.name, error: null, summary: null } };
    case 'stagedApplied':
      return state.upload.staged ? { ...state, upload: { ...state.upload, staged: null } } : state;
    case 'predictInput':
      return { ...state, predictInput: action.input };
    case 'dismissWarnings':
      return { ...state, urlWarnings: [] };
    case 'dismissFault':
      return state.run.fault ? { ...state, run: { ...state.run, fault: null } } : state;
    case 'event':
      return reduceEvent(state, action.event);
    case 'runs': {
      const runs = reduceRuns(state.runs, action.action);
      return runs === state.runs ? state : { ...state, runs };
    }
    case 'stored': {
      const stored = reduceStoredRun(state.stored, action.action);
      return stored === state.stored ? state : { ...state, stored };
    }
    case 'restored': {
      const info = action.run.config && state.task.id === action.run.config.task ? state.task.info : null;
      return { ...state, run: { ...action.run, taskInfo: action.run.taskInfo ?? info } };
    }
    default: {
      const never: never = action;
      return never;
    }
  }
}

export type RunEvent = Extract<WorkerEvent, { runId: number }>;

function isRunEvent(e: WorkerEvent): e is RunEvent {
  return 'runId' in e;
}

function reduceEvent(state: AppState, e: WorkerEvent): AppState {
  switch (e.type) {
    case 'backend':
      return { ...state, backend: e.info };
    case 'taskInfo': {
      const run = state.run;
      // A run started before its task was described takes the first description of its task.
      const next =
        run.started && !run.taskInfo && e.info && run.config?.task === e.task
          ? { ...state, run: { ...run, taskInfo: e.info } }
          : state;
      if (e.task !== state.config.task) return next; // an answer about a task no longer chosen
      return { ...next, task: { id: e.task, info: e.info, error: e.error } };
    }
    case 'shippedTeacher': {
      if (e.info.task !== state.config.task) return state;
      const c = state.config;
      // Unless a size was chosen, the shipped teacher's own size is the teacher size.
      const adopt =
        !state.teacherExplicit && c.teacherSteps === 0 && e.info.available && e.info.size && e.info.size !== c.teacher;
      return { ...state, shipped: e.info, config: adopt ? { ...c, teacher: e.info.size! } : c };
    }
    case 'uploaded': {
      // During a run the file waits for the next Start (the controller switches the task then).
      const status = runStatus(state.run);
      const staged = status === 'running' || status === 'paused' ? { task: e.task, name: e.name } : null;
      return { ...state, upload: { busy: false, name: e.name, error: null, summary: e.summary, staged } };
    }
    case 'uploadError':
      // A staged file stays staged: the worker kept it (a refused file changes nothing there).
      return { ...state, upload: { ...state.upload, busy: false, name: e.name, error: e.message, summary: null } };
    default:
      break;
  }
  if (!isRunEvent(e) || e.runId !== state.run.runId) return state; // a late event from a run that is gone
  const next = { ...state, run: reduceRun(state.run, e) };
  // A teacher is being trained because none shipped fits: record its steps so the link reproduces the run.
  if (e.type === 'notice' && e.teacherSteps !== undefined) {
    next.config = { ...state.config, teacherSteps: e.teacherSteps };
    if (next.run.config) next.run = { ...next.run, config: { ...next.run.config, teacherSteps: e.teacherSteps } };
  }
  return next;
}
