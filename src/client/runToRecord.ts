// A run of the client state as a record for the runs table: its start config (as a URL), the
// curves the charts drew (bounded, as streamed) and the metrics of its last evaluations. Pure: every
// number comes from the state as it is; what the state does not have (no test split on a stopped
// run, no baseline in the teacher phase) is left out rather than filled in.

import { configToSearchParams } from '../config';
import { LOSS_KEYS, MODEL_ROLES, type EvalReport, type TrainPhase } from '../worker/protocol';
import { curveName, curveScaleOf, metricName, type CurveId, type Split } from './runNames';
import type { Curve, RunEnd, RunRecord } from './runRecord';
import type { AccuracyRow, AppState, LossRow, RunView } from './state';

/** Whether a run has anything worth keeping: it was started and took at least one training step. */
export function hasProgress(run: RunView): boolean {
  return run.started && run.config !== null && (run.teacherStep > 0 || run.distillStep > 0);
}

/**
 * How the run ended if it ended now: done, or stopped at the step of the phase it was in. Null for
 * a run that is not worth a record (no step yet) or already ended in an error.
 */
export function runEndNow(run: RunView): RunEnd | null {
  if (!hasProgress(run) || run.phase === 'error') return null;
  if (run.phase === 'done') return { kind: 'done' };
  const phase: TrainPhase = run.distillStep > 0 ? 'distill' : 'teacher';
  return { kind: 'stopped', phase, step: phase === 'distill' ? run.distillStep : run.teacherStep };
}

function evalMetrics(report: EvalReport | null, split: Split, out: Record<string, number>): void {
  if (!report) return;
  for (const role of MODEL_ROLES) {
    const m = report[role];
    if (m) out[metricName({ kind: 'accuracy', split, role })] = m.accuracy;
  }
  if (report.gain) {
    out[metricName({ kind: 'gain', split })] = report.gain.gain;
    out[metricName({ kind: 'gainSe', split })] = report.gain.se;
  }
}

export function runMetrics(run: RunView): Record<string, number> {
  const out: Record<string, number> = {};
  out[metricName({ kind: 'steps', phase: 'teacher' })] = run.teacherStep;
  out[metricName({ kind: 'steps', phase: 'distill' })] = run.distillStep;
  evalMetrics(run.latestVal, 'val', out);
  evalMetrics(run.test, 'test', out);
  return out;
}

/** A point where the row has a value (a row of an evaluation that skipped a model has none). */
const pointOf = (step: number, value: number | undefined) => (value === undefined ? [] : [{ step, value }]);

function addCurve(curves: Record<string, Curve>, id: CurveId, points: Curve['points']): void {
  if (points.length) curves[curveName(id)] = { scale: curveScaleOf(id), points };
}

function lossCurves(rows: readonly LossRow[], phase: TrainPhase, curves: Record<string, Curve>): void {
  for (const term of LOSS_KEYS) {
    const points = rows.flatMap((r) => pointOf(r.step, r[term]));
    addCurve(curves, { kind: 'loss', phase, term }, points);
  }
}

function accuracyCurves(rows: readonly AccuracyRow[], phase: TrainPhase, curves: Record<string, Curve>): void {
  for (const role of MODEL_ROLES) {
    const points = rows.flatMap((r) => pointOf(r.step, r[role]));
    addCurve(curves, { kind: 'valAccuracy', phase, role }, points);
  }
  if (phase === 'distill')
    addCurve(
      curves,
      { kind: 'valGain' },
      rows.flatMap((r) => pointOf(r.step, r.gain)),
    );
}

export function runCurves(run: RunView): Record<string, Curve> {
  const curves: Record<string, Curve> = {};
  lossCurves(run.teacherLoss, 'teacher', curves);
  accuracyCurves(run.teacherAccuracy, 'teacher', curves);
  lossCurves(run.distillLoss, 'distill', curves);
  accuracyCurves(run.distillAccuracy, 'distill', curves);
  return curves;
}

/** "sentiment · teacher-s → student-s · T 4 · α 0.7": symbols and ids only, the same in every language. */
export function runTitle(search: URLSearchParams): string {
  return `${search.get('task')} · ${search.get('teacher')} → ${search.get('student')} · T ${search.get('temperature')} · α ${search.get('alpha')}`;
}

/** The record of the state's run as it ends now; null when there is none worth keeping (see runEndNow). */
export function runToRecord(state: AppState, made: { id: string; now: number }): RunRecord | null {
  const { run } = state;
  const end = runEndNow(run);
  if (!end || !run.config) return null;
  const search = configToSearchParams(run.config);
  return {
    kind: 'run',
    id: made.id,
    createdAt: made.now,
    title: runTitle(search),
    url: `?${search.toString()}`,
    metrics: runMetrics(run),
    curves: runCurves(run),
    end,
    marks: run.markers.map((m) => ({ phase: m.phase, step: m.step, label: m.label })),
  };
}
