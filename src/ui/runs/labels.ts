// What the runs table calls a record's metrics, curves and task, and how it writes their numbers,
// in the current language. A name that runNames.ts does not know (a sweep's own) shows as it is.

import { metricScale, parseCurveName, parseMetricName, type MetricScale, type Split } from '../../client/runNames';
import type { CurveScale } from '../../client/runRecord';
import { ALL_TASKS, type TaskId } from '../../config';
import type { TKey } from '../../i18n/catalog';
import type { TrainPhase } from '../../worker/protocol';
import { LOSS_LABEL } from '../colors';
import type { Format, TFn } from '../i18n';
import { roleLabel } from '../roles';

const PHASE: Record<TrainPhase, TKey> = { teacher: 'runs.phase.teacher', distill: 'runs.phase.distill' };
const SPLIT: Record<Split, TKey> = { val: 'runs.metrics.split.val', test: 'runs.metrics.split.test' };
const TASK: Record<TaskId, TKey> = {
  sentiment: 'task.name.sentiment',
  grammar: 'task.name.grammar',
  modadd: 'task.name.modadd',
  'custom-text': 'task.name.custom-text',
  'custom-csv': 'task.name.custom-csv',
};

export function metricLabel(t: TFn, name: string): string {
  const id = parseMetricName(name);
  if (!id) return name;
  switch (id.kind) {
    case 'accuracy':
      return t('runs.metrics.accuracy', { model: roleLabel(t, id.role), split: t(SPLIT[id.split]) });
    case 'gain':
      return t('runs.metrics.gain', { split: t(SPLIT[id.split]) });
    case 'gainSe':
      return t('runs.metrics.gainSe', { split: t(SPLIT[id.split]) });
    case 'steps':
      return t('runs.metrics.steps', { phase: t(PHASE[id.phase]) });
    default: {
      const never: never = id;
      return never;
    }
  }
}

export function curveLabel(t: TFn, name: string): string {
  const id = parseCurveName(name);
  if (!id) return name;
  switch (id.kind) {
    case 'valAccuracy':
      return t('runs.curve.valAccuracy', { model: roleLabel(t, id.role), phase: t(PHASE[id.phase]) });
    case 'valGain':
      return t('runs.curve.valGain');
    case 'loss':
      return t('runs.curve.loss', { term: t(LOSS_LABEL[id.term]), phase: t(PHASE[id.phase]) });
    default: {
      const never: never = id;
      return never;
    }
  }
}

/** The scale a metric name reads on (unknown names: a plain number). */
export const scaleOfMetric = (name: string): MetricScale => metricScale(parseMetricName(name));

export function formatMetric(fmt: Format, scale: MetricScale | CurveScale, v: number | undefined): string {
  if (v === undefined) return '—';
  switch (scale) {
    case 'percent':
      return fmt.pct(v);
    case 'points':
      return fmt.pts(v);
    case 'count':
      return fmt.int(v);
    case 'number':
    case 'nats':
      return fmt.num(v, 4);
    default: {
      const never: never = scale;
      return never;
    }
  }
}

/** A difference on a metric's scale: percentages differ in points; others signed. */
export function formatDelta(fmt: Format, scale: MetricScale, d: number | undefined): string {
  if (d === undefined) return '—';
  if (scale === 'percent' || scale === 'points') return fmt.pts(d);
  const body = scale === 'count' ? fmt.int(Math.abs(d)) : fmt.num(Math.abs(d), 4);
  return `${d >= 0 ? '+' : '−'}${body}`;
}

/** The task of a record's URL in words (the raw value where it is not a known task; '—' where absent). */
export function taskLabel(t: TFn, url: string): string {
  const task = new URLSearchParams(url).get('task');
  if (task === null) return '—';
  return (ALL_TASKS as readonly string[]).includes(task) ? t(TASK[task as TaskId]) : task;
}
