// The names of a run record's metrics and curves ("test.student.accuracy", "distill.loss.total"):
// built here and parsed back here, so the record builder and the table's labels agree. A name this
// file does not know (a sweep's own, say) is still shown, under its raw name.

import { LOSS_KEYS, MODEL_ROLES, type LossKey, type ModelRole, type TrainPhase } from '../worker/protocol';
import type { CurveScale } from './runRecord';

export type Split = 'val' | 'test';

export type MetricId =
  | { kind: 'accuracy'; split: Split; role: ModelRole }
  /** Student − baseline accuracy, and its paired standard error. */
  | { kind: 'gain'; split: Split }
  | { kind: 'gainSe'; split: Split }
  /** Steps a phase ran. */
  | { kind: 'steps'; phase: TrainPhase };

export type CurveId =
  | { kind: 'valAccuracy'; phase: TrainPhase; role: ModelRole }
  | { kind: 'valGain' }
  | { kind: 'loss'; phase: TrainPhase; term: LossKey };

/** How a metric's number reads. */
export type MetricScale = 'percent' | 'points' | 'count' | 'number';

const isSplit = (s: string): s is Split => s === 'val' || s === 'test';
const isPhase = (s: string): s is TrainPhase => s === 'teacher' || s === 'distill';
const isRole = (s: string): s is ModelRole => (MODEL_ROLES as readonly string[]).includes(s);
const isLossKey = (s: string): s is LossKey => (LOSS_KEYS as readonly string[]).includes(s);

export function metricName(id: MetricId): string {
  switch (id.kind) {
    case 'accuracy':
      return `${id.split}.${id.role}.accuracy`;
    case 'gain':
      return `${id.split}.gain`;
    case 'gainSe':
      return `${id.split}.gain_se`;
    case 'steps':
      return `steps.${id.phase}`;
    default: {
      const never: never = id;
      return never;
    }
  }
}

export function parseMetricName(name: string): MetricId | null {
  const [a, b, c, ...rest] = name.split('.');
  if (rest.length) return null;
  if (a === 'steps' && b !== undefined && isPhase(b) && c === undefined) return { kind: 'steps', phase: b };
  if (!isSplit(a)) return null;
  if (b === 'gain' && c === undefined) return { kind: 'gain', split: a };
  if (b === 'gain_se' && c === undefined) return { kind: 'gainSe', split: a };
  if (b !== undefined && isRole(b) && c === 'accuracy') return { kind: 'accuracy', split: a, role: b };
  return null;
}

export function metricScale(id: MetricId | null): MetricScale {
  if (!id) return 'number';
  switch (id.kind) {
    case 'accuracy':
      return 'percent';
    case 'gain':
    case 'gainSe':
      return 'points';
    case 'steps':
      return 'count';
    default: {
      const never: never = id;
      return never;
    }
  }
}

export function curveName(id: CurveId): string {
  switch (id.kind) {
    case 'valAccuracy':
      return `${id.phase}.val_accuracy.${id.role}`;
    case 'valGain':
      return 'distill.val_gain';
    case 'loss':
      return `${id.phase}.loss.${id.term}`;
    default: {
      const never: never = id;
      return never;
    }
  }
}

export function parseCurveName(name: string): CurveId | null {
  const [phase, what, x, ...rest] = name.split('.');
  if (rest.length || !isPhase(phase)) return null;
  if (phase === 'distill' && what === 'val_gain' && x === undefined) return { kind: 'valGain' };
  if (what === 'val_accuracy' && x !== undefined && isRole(x)) return { kind: 'valAccuracy', phase, role: x };
  if (what === 'loss' && x !== undefined && isLossKey(x)) return { kind: 'loss', phase, term: x };
  return null;
}

export function curveScaleOf(id: CurveId): CurveScale {
  switch (id.kind) {
    case 'valAccuracy':
      return 'percent';
    case 'valGain':
      return 'points';
    case 'loss':
      return 'nats';
    default: {
      const never: never = id;
      return never;
    }
  }
}

/** The metrics the table shows as columns, best first: the test split's where there is one, else the last validation's. */
export type KeyMetricName = 'student' | 'baseline' | 'gain';
export const KEY_METRICS: readonly KeyMetricName[] = ['student', 'baseline', 'gain'];

/** The value of a key metric of a record: test split first, else validation; undefined when neither. */
export function keyMetric(
  metrics: Record<string, number>,
  what: KeyMetricName,
): { value: number; split: Split } | undefined {
  for (const split of ['test', 'val'] as const) {
    const name =
      what === 'gain' ? metricName({ kind: 'gain', split }) : metricName({ kind: 'accuracy', split, role: what });
    if (name in metrics) return { value: metrics[name], split };
  }
  return undefined;
}
