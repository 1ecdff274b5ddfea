import { describe, expect, it } from 'vitest';
import { en } from '../../i18n/en';
import { flatten, fill } from '../../i18n/catalog';
import { makeFormat, type TFn } from '../i18n';
import { curveLabel, formatDelta, formatMetric, metricLabel, scaleOfMetric, taskLabel } from './labels';

const EN = flatten(en);
const t: TFn = (key, values) => fill(EN[key], values);
const fmt = makeFormat('en', t);

describe('runs table labels', () => {
  it('names the run record’s metrics and curves, and shows a name it does not know as it is', () => {
    expect(metricLabel(t, 'test.student.accuracy')).toBe('distilled student accuracy, test');
    expect(metricLabel(t, 'val.gain_se')).toBe('KD gain standard error, last validation');
    expect(metricLabel(t, 'steps.teacher')).toBe('Steps, teacher phase');
    expect(metricLabel(t, 'sweep.best_alpha')).toBe('sweep.best_alpha');
    expect(curveLabel(t, 'teacher.val_accuracy.teacher')).toBe('teacher, validation accuracy, teacher phase');
    expect(curveLabel(t, 'distill.val_gain')).toBe('KD gain on validation (distillation)');
    expect(curveLabel(t, 'distill.loss.bogus')).toBe('distill.loss.bogus');
  });

  it('writes accuracies as percentages and their differences in points, counts as integers', () => {
    expect(formatMetric(fmt, scaleOfMetric('test.student.accuracy'), 0.5512)).toBe('55.1%');
    expect(formatDelta(fmt, scaleOfMetric('test.student.accuracy'), -0.031)).toBe('−3.1 pts');
    expect(formatMetric(fmt, scaleOfMetric('steps.distill'), 1200)).toBe('1,200');
    expect(formatDelta(fmt, scaleOfMetric('steps.distill'), -200)).toBe('−200');
    expect(formatDelta(fmt, scaleOfMetric('custom'), 0.12345)).toBe('+0.1235');
    expect(formatMetric(fmt, 'percent', undefined)).toBe('—');
    expect(formatDelta(fmt, 'percent', undefined)).toBe('—');
  });

  it('names the task of a record’s URL', () => {
    expect(taskLabel(t, '?task=grammar&seed=1')).toBe('Grammar (known true distribution)');
    expect(taskLabel(t, '?task=mystery')).toBe('mystery');
    expect(taskLabel(t, '?seed=1')).toBe('—');
  });
});
