// The typed boundary between the UI thread and the training worker. Plain data only: the UI imports
// this file (and src/config.ts, src/report.ts) and nothing of the ML core. What a run reports (step
// losses, evaluations, phases) is defined once, in src/report.ts, and carried here unchanged.
//
// Commands go UI → worker, events go worker → UI. Both are discriminated unions on `type`. Every
// event that belongs to a run carries the `runId` of that run: the client allocates a new id at each
// Start and Reset and drops events from any other run, so late events after a reset never show.

import { resolveSize, type Hyper, type RunConfig, type SizeSpec, type TaskId } from '../config';
import {
  STEP_VALUES,
  type EvalReport,
  type ModelMetrics,
  type ModelRole,
  type Phase,
  type StepPoint,
  type StepValue,
  type TrainPhase,
} from '../report';

export { MODEL_ROLES } from '../report';
export type { EvalReport, ModelRole, Phase, ReliabilityBin, TrainPhase } from '../report';

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';
/** The automatic order: WebGPU, then WASM (XNNPACK kernels on the CPU; faster than WebGL for these small models), WebGL, CPU. */
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

// ------------------------------------------------------------------------------------------------
// Plain data shown by the UI

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why it failed (absent when it worked). */
  reason?: string;
}

export interface BackendInfo {
  /** The backend that runs. */
  name: BackendName;
  /** Why it is not WebGPU (null when WebGPU runs, or it was asked for in the URL and runs). */
  fallbackReason: string | null;
  /** Set when the URL forced a backend (`backend=webgpu|wasm|webgl|cpu`). */
  forced: BackendName | null;
  attempts: BackendAttempt[];
  /** Adapter description where the backend tells it (WebGPU). */
  adapter?: string;
}

/** The UI's names for report types of src/report.ts. */
export type LossKey = StepValue;
export const LOSS_KEYS: readonly LossKey[] = STEP_VALUES;
export type LossPoint = StepPoint;
export type Metrics = ModelMetrics;

export interface TaskInfo {
  id: TaskId;
  title: string;
  description: string;
  kind: 'classification' | 'generation';
  vocabSize: number;
  seqLen: number;
  /** Class names in order (classification). */
  classes: string[] | null;
  examples: string[];
  /** True where the task knows the true next-token distribution (grammar). */
  knowsTruth: boolean;
  teacherRows: number;
  labelledRows: number;
  transferRows: number;
}

export interface ShippedTeacher {
  task: TaskId;
  available: boolean;
  /** Size of the shipped teacher (from its config.json). */
  size?: SizeSpec;
  /** Why there is none (or why it cannot be used with this task). */
  reason?: string;
}

export interface ModelPrediction {
  /** Logits at the scored position over `PredictionResult.labels`. */
  logits: number[];
  nLayer: number;
  nHead: number;
  /** attention[layer][head] is the row-major (L, L) map over the prompt tokens. */
  attention: number[][][];
  /** Generation tasks: continuations of the prompt (greedy and sampled at T = 1). */
  continuation?: { greedy: string; sampled: string };
}

export interface PredictionResult {
  input: string;
  /** The prompt's tokens as the model reads them (attention map axes). */
  tokens: string[];
  kind: 'classification' | 'generation';
  /** Outcome names: class names, or the vocabulary for generation. */
  labels: string[];
  teacher?: ModelPrediction;
  student?: ModelPrediction;
  baseline?: ModelPrediction;
  /** The true distribution over `labels`, where the task knows it. */
  truth?: number[];
  /** Student layer i is compared with teacher layer layerMap[i]. */
  layerMap: number[];
}

export interface Speed {
  phase: TrainPhase;
  stepsPerSec: number;
  /** Training tokens per second (batch × sequence length per step; student and baseline each). */
  tokensPerSec: number;
}

/** Inference latency of one batch-1 forward pass, milliseconds. */
export type Latency = Partial<Record<ModelRole, number>>;

export type HyperChange = { [K in keyof Hyper]?: { from: number; to: number } };

// ------------------------------------------------------------------------------------------------
// Commands: UI → worker

export type WorkerCommand =
  | { type: 'init'; forcedBackend: BackendName | null; assetsBase: string }
  /** The settings changed (task info and shipped-teacher lookups follow); live only for hyperparameters. */
  | { type: 'setConfig'; config: RunConfig }
  /**
   * `resume`: a checkpoint's bytes (a 'checkpoint' event's, as stored by the client): the run continues
   * from it, bit for bit as if never interrupted, instead of starting from step 0. Its config wins.
   */
  | { type: 'start'; runId: number; config: RunConfig; paused: boolean; resume?: ArrayBuffer }
  | { type: 'pause'; runId: number }
  | { type: 'resume'; runId: number }
  /** Exactly one training step, then paused. */
  | { type: 'step'; runId: number }
  /** Ends and disposes the current run; the next one will use `runId`. */
  | { type: 'reset'; runId: number }
  /** Read by the run at its next step. */
  | { type: 'setHyper'; runId: number; hyper: Hyper }
  | { type: 'upload'; name: string; bytes: ArrayBuffer }
  | { type: 'predict'; runId: number; input: string; continuations: boolean }
  | { type: 'export'; runId: number; role: ModelRole }
  /** The run as a PyTorch folder (kd_train.py, run.json, data, teacher, initial weights), zipped. */
  | { type: 'exportScript'; runId: number };

// ------------------------------------------------------------------------------------------------
// Events: worker → UI

export type WorkerEvent =
  | { type: 'backend'; info: BackendInfo }
  | { type: 'taskInfo'; task: TaskId; info: TaskInfo | null; error: string | null }
  | { type: 'shippedTeacher'; info: ShippedTeacher }
  | { type: 'uploaded'; task: TaskId; name: string; summary: string }
  | { type: 'uploadError'; name: string; message: string }
  | { type: 'phase'; runId: number; phase: Phase; detail: string; totalSteps: number }
  /** While the teacher's outputs are cached: training rows done of the total. */
  | { type: 'cacheProgress'; runId: number; done: number; total: number }
  | { type: 'paused'; runId: number; paused: boolean }
  | { type: 'points'; runId: number; points: LossPoint[]; speed: Speed | null }
  | { type: 'eval'; runId: number; report: EvalReport }
  | { type: 'hyperApplied'; runId: number; phase: TrainPhase; step: number; changes: HyperChange }
  /** A teacher was trained because none shipped fits (the client records teacherSteps). */
  | { type: 'notice'; runId: number; message: string; teacherSteps?: number }
  | { type: 'prediction'; runId: number; result: PredictionResult }
  | { type: 'predictionError'; runId: number; input: string; message: string }
  | { type: 'latency'; runId: number; latency: Latency }
  | { type: 'exported'; runId: number; role: ModelRole; safetensors: ArrayBuffer; configJson: string }
  /** The 'exportScript' answer: a .zip of one folder named like the file. */
  | { type: 'exportedScript'; runId: number; name: string; zip: ArrayBuffer }
  /**
   * The whole state of the run (every model's weights, optimizer state, batch order, counters: see
   * src/train/checkpoint.ts), every CHECKPOINT_EVERY steps and on pause, for the client to store.
   */
  | { type: 'checkpoint'; runId: number; phase: TrainPhase; step: number; reason: CheckpointReason; bytes: ArrayBuffer }
  /** Something went wrong and the worker dealt with it (or could not): the UI says what, and what to try. */
  | { type: 'fault'; runId: number; fault: RunFault }
  | { type: 'error'; runId: number; message: string }
  | { type: 'resetDone'; runId: number };

export type CheckpointReason = 'interval' | 'pause';

/** A fault the worker met during a run, and what it did about it. */
export type RunFault =
  /** A loss or gradient went NaN/Inf: the run is paused and put back to the last good checkpoint (null: none yet, restarted). */
  | { kind: 'divergence'; phase: TrainPhase; step: number; rolledBackTo: number | null; message: string }
  /** The WebGPU device was lost: the run continues on `to` (a new device, or the next backend) from `resumedFrom`. */
  | { kind: 'deviceLost'; from: BackendName; to: BackendName | null; resumedFrom: number | null; message: string };

/** Steps of a teacher trained when no shipped teacher fits the chosen task and size. */
export const AUTO_TEACHER_STEPS = 300;

/** True when a run loads the shipped teacher: asked for (teacherSteps 0) and of the chosen size. */
export function shippedTeacherFits(info: ShippedTeacher | null, config: RunConfig): boolean {
  if (!info || config.teacherSteps !== 0 || !info.available || !info.size || info.task !== config.task) return false;
  try {
    const a = resolveSize(info.size);
    const b = resolveSize(config.teacher);
    return a.nLayer === b.nLayer && a.nHead === b.nHead && a.nEmbd === b.nEmbd;
  } catch {
    return false;
  }
}

/** Why a run with teacherSteps 0 cannot use a shipped teacher: the sentence the UI shows. */
export function noShippedTeacherMessage(info: ShippedTeacher | null, config: RunConfig): string {
  let why = '';
  if (info && !info.available && info.reason) why = ` (${info.reason})`;
  else if (info?.size) why = ` (the shipped one is ${info.size}; you chose ${config.teacher})`;
  return `no shipped teacher for this task/size; train one first${why}`;
}
