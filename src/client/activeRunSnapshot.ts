// The run on screen as an active-run record (at each checkpoint), and a record back as the run on
// screen (after a reload). Pure. A restored run shows what was there at the checkpoint's step and
// nothing after it: the worker recomputes the later steps, identically, from the checkpoint.

import type { RunConfig } from '../config';
import type { EvalReport, LossPoint, TrainPhase } from '../worker/protocol';
import {
  ACTIVE_RUN_VERSION,
  configToRecordUrl,
  type ActiveRunRecord,
  type StoredActiveRun,
  type StoredUpload,
} from './activeRunRecord';
import { packHistory } from './packedHistory';
import { emptyRun, reduceRun, type Marker, type RunView } from './state';

export interface CheckpointAt {
  phase: TrainPhase;
  step: number;
  bytes: ArrayBuffer;
  /** Taken because the run was paused (a resume of it starts paused). */
  onPause?: boolean;
}

/**
 * The run with its latest checkpoint as a record; null for a run that has no config (never started).
 * Only what happened by the checkpoint is kept: points streamed since are recomputed after a resume.
 */
export function snapshotRun(
  run: RunView,
  checkpoint: CheckpointAt,
  upload: StoredUpload | null,
  savedAt: number,
): StoredActiveRun | null {
  if (!run.config) return null;
  return {
    version: ACTIVE_RUN_VERSION,
    savedAt,
    url: configToRecordUrl(run.config),
    upload,
    checkpoint: { phase: checkpoint.phase, step: checkpoint.step, bytes: checkpoint.bytes },
    paused: checkpoint.onPause === true,
    teacherTotal: run.teacherTotal,
    distillTotal: run.distillTotal,
    history: packHistory(run.history.filter((p) => atOrBefore(p, checkpoint))),
    evals: run.evals.filter((e) => atOrBefore(e, checkpoint)),
    markers: run.markers.filter((m) => atOrBefore(m, checkpoint)),
  };
}

/** Whether something at (phase, step) happened by the checkpoint: the teacher phase runs wholly before distillation. */
export function atOrBefore(at: { phase: TrainPhase; step: number }, checkpoint: { phase: TrainPhase; step: number }) {
  if (checkpoint.phase === 'distill') return at.phase === 'teacher' || at.step <= checkpoint.step;
  return at.phase === 'teacher' && at.step <= checkpoint.step;
}

export type StepAt = { phase: TrainPhase; step: number };

interface Progress {
  history: readonly LossPoint[];
  evals: readonly EvalReport[];
  markers: readonly Marker[];
}

/**
 * `base` with the curves, evaluations and markers of `progress` up to `to` (none when `to` is null:
 * the run starts over), replayed through the same reducer that drew them (so bounds and rows are as
 * live), and its step counters at `to`. A test evaluation only ends a run, so none is kept.
 */
function replayUpTo(base: RunView, progress: Progress, to: StepAt | null): RunView {
  const keep = (x: StepAt) => to !== null && atOrBefore(x, to);
  const runId = base.runId;
  let run: RunView = {
    ...base,
    teacherStep: 0,
    distillStep: 0,
    teacherLoss: [],
    distillLoss: [],
    teacherAccuracy: [],
    distillAccuracy: [],
    history: [],
    evals: [],
    latestVal: null,
    test: null,
  };
  run = reduceRun(run, { type: 'points', runId, points: progress.history.filter(keep), speed: base.speed });
  for (const report of progress.evals)
    if (report.split === 'val' && keep(report)) run = reduceRun(run, { type: 'eval', runId, report });
  return {
    ...run,
    markers: progress.markers.filter(keep),
    teacherStep: to?.phase === 'teacher' ? to.step : run.teacherStep,
    distillStep: to?.phase === 'distill' ? to.step : 0,
  };
}

/**
 * The record as the run on screen under a fresh id, at its checkpoint until the worker's first
 * events: what happened by the checkpoint's step and nothing after it; paused if it was saved on pause.
 */
export function restoreRun(record: ActiveRunRecord, runId: number, config: RunConfig): RunView {
  const cp = record.checkpoint;
  const base: RunView = {
    ...emptyRun(runId, true, record.paused, config),
    teacherTotal: record.teacherTotal,
    distillTotal: record.distillTotal,
    phase: cp.phase,
    totalSteps: cp.phase === 'teacher' ? record.teacherTotal : record.distillTotal,
  };
  return replayUpTo(base, record, { phase: cp.phase, step: cp.step });
}

/**
 * The run on screen put back to a checkpoint the worker rolled back to (a divergence) or resumed
 * from (a lost device), or to its start (null): the steps after it will be run again and streamed
 * anew, so the curves must not show them twice.
 */
export function rollBackRun(run: RunView, to: StepAt | null): RunView {
  return replayUpTo(run, run, to);
}
