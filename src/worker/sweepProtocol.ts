// The typed boundary between the Experiments view and the sweep worker (src/worker/sweepWorker.ts).
// Plain data only, no tfjs: the UI imports this file. As protocol.ts: commands go UI → worker,
// events worker → UI, both discriminated unions on `type`, and every event of a sweep carries its
// `runId` so the client drops late events of a sweep it stopped or replaced.
//
// Sweeps run in their own worker, beside the single run's: a sweep neither waits for nor stops the
// run on the main page, and neither protocol needs the other's messages.

import type { SweepConfig, SweepReport } from '../sweepConfig';
import type { BackendInfo, BackendName } from './protocol';

export type { SweepConfig, SweepReport } from '../sweepConfig';

/** What the sweep worker is doing. */
export type SweepStatus =
  'idle' | 'loading' | 'teacher' | 'caching' | 'training' | 'evaluating' | 'done' | 'stopped' | 'error';
export const SWEEP_STATUSES: readonly SweepStatus[] = [
  'idle',
  'loading',
  'teacher',
  'caching',
  'training',
  'evaluating',
  'done',
  'stopped',
  'error',
];

/** The memory estimate of the sweep's largest group, before anything was allocated (src/sweepMemory.ts). */
export interface SweepMemoryInfo {
  members: number;
  peakBytes: number;
  limitBytes: number;
}

export type SweepCommand =
  | { type: 'sweepInit'; forcedBackend: BackendName | null; assetsBase: string }
  | { type: 'sweepStart'; runId: number; config: SweepConfig }
  /** Ends the sweep at its next step and frees it; answered by 'sweepStopped'. */
  | { type: 'sweepStop'; runId: number };

export type SweepEvent =
  | { type: 'sweepBackend'; info: BackendInfo }
  | { type: 'sweepStatus'; runId: number; status: SweepStatus; group: number; detail: string }
  | { type: 'sweepMemory'; runId: number; memory: SweepMemoryInfo }
  /** Training progress of the current group, a few times a second. */
  | { type: 'sweepProgress'; runId: number; group: number; step: number; steps: number; stepsPerSec: number | null }
  | { type: 'sweepReport'; runId: number; report: SweepReport }
  | { type: 'sweepError'; runId: number; message: string }
  | { type: 'sweepStopped'; runId: number };
