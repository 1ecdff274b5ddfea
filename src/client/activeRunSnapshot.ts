// The run on screen as an active-run record (at each checkpoint), and a record back as the run on
// screen (after a reload). Pure. A restored run shows what was there at the checkpoint's step and
// nothing after it: the worker recomputes the later steps, identically, from the checkpoint.

import type { RunConfig } from '../config';
import type { TrainPhase } from '../worker/protocol';
import { ACTIVE_RUN_VERSION, configToRecordUrl, type ActiveRunRecord, type StoredUpload } from './activeRunRecord';
import { emptyRun, reduceRun, type RunView } from './state';

export interface CheckpointAt {
  phase: TrainPhase;
  step: number;
  bytes: ArrayBuffer;
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
): ActiveRunRecord | null {
  if (!run.config) return null;
  return {
    version: ACTIVE_RUN_VERSION,
    savedAt,
    url: configToRecordUrl(run.config),
    upload,
    checkpoint: { phase: checkpoint.phase, step: checkpoint.step, bytes: checkpoint.bytes },
    teacherTotal: run.teacherTotal,
    distillTotal: run.distillTotal,
    history: run.history.filter((p) => atOrBefore(p, checkpoint)),
    evals: run.evals.filter((e) => atOrBefore(e, checkpoint)),
    markers: run.markers.filter((m) => atOrBefore(m, checkpoint)),
  };
}

/** Whether something at (phase, step) happened by the checkpoint: the teacher phase runs wholly before distillation. */
export function atOrBefore(at: { phase: TrainPhase; step: number }, checkpoint: { phase: TrainPhase; step: number }) {
  if (checkpoint.phase === 'distill') return at.phase === 'teacher' || at.step <= checkpoint.step;
  return at.phase === 'teacher' && at.step <= checkpoint.step;
}

/**
 * The record as the run on screen under a fresh id, paused at its checkpoint until the worker's
 * first events: curves, evaluations and markers up to the checkpoint's step, replayed through the
 * same reducer that drew them (so bounds and rows are as live). A test evaluation only ends a run.
 */
export function restoreRun(record: ActiveRunRecord, runId: number, config: RunConfig): RunView {
  const cp = record.checkpoint;
  let run: RunView = {
    ...emptyRun(runId, true, false, config),
    teacherTotal: record.teacherTotal,
    distillTotal: record.distillTotal,
  };
  const points = record.history.filter((p) => atOrBefore(p, cp));
  run = reduceRun(run, { type: 'points', runId, points, speed: null });
  for (const report of record.evals)
    if (report.split === 'val' && atOrBefore(report, cp)) run = reduceRun(run, { type: 'eval', runId, report });
  const markers = record.markers.filter((m) => atOrBefore(m, cp));
  return {
    ...run,
    markers,
    phase: cp.phase,
    totalSteps: cp.phase === 'teacher' ? record.teacherTotal : record.distillTotal,
    teacherStep: cp.phase === 'teacher' ? cp.step : run.teacherStep,
    distillStep: cp.phase === 'distill' ? cp.step : 0,
  };
}
