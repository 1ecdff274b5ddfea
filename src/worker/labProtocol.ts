// The typed boundary between the grammar lab's panel and its worker (src/worker/labWorker.ts).
// Plain data only, no tfjs: the UI imports this file. As sweepProtocol.ts: commands go UI → worker,
// events worker → UI, discriminated unions on `type`, and every event of a lab run carries its
// `runId` so the client drops late events of a run it stopped or replaced.

import type { LabRow, LabRowKind } from '../train/grammarLab';
import type { BackendInfo, BackendName } from './protocol';

export type { LabRow, LabRowKind } from '../train/grammarLab';

/** What the panel chooses; the rest is the lab's default (src/train/grammarLab.ts). */
export interface LabRequest {
  /** λ of the on-policy student, in (0, 1]. */
  lambda: number;
  /** Training steps per student. */
  steps: number;
  /** Sentences each model generates for the metrics. */
  samples: number;
  /** Sentences of the sequence-level corpus (default: the lab's). */
  corpus?: number;
}

export const LAB_LIMITS = {
  lambda: { min: 0.05, max: 1, step: 0.05 },
  steps: { min: 50, max: 1000, step: 50 },
} as const;

export const DEFAULT_LAB_REQUEST: LabRequest = { lambda: 1, steps: 300, samples: 500 };

export type LabPhase = 'loading' | 'corpus' | 'train' | 'evaluate';

export type LabCommand =
  | { type: 'labInit'; forcedBackend: BackendName | null; assetsBase: string }
  | { type: 'labStart'; runId: number; request: LabRequest }
  /** Ends the lab at its next step and frees it; answered by 'labStopped'. */
  | { type: 'labStop'; runId: number };

export type LabEvent =
  | { type: 'labBackend'; info: BackendInfo }
  /** What the lab is doing: a student's training step, or evaluating a model, a few times a second. */
  | { type: 'labProgress'; runId: number; phase: LabPhase; kind: LabRowKind | null; step: number; steps: number }
  | { type: 'labReport'; runId: number; rows: LabRow[]; backend: string }
  | { type: 'labError'; runId: number; message: string }
  | { type: 'labStopped'; runId: number };
