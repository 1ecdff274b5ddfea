// The run in words (issue 9): who beat whom, by how much and how sure; what the teacher knew; what
// T and α did; and the warnings that keep a visitor from reading noise as a result (a teacher near
// chance, a gain within two standard errors, a task where KD cannot help). Pure: the component
// (RunSummary.tsx) renders the catalog keys this returns.

import type { Hyper, TaskId } from '../config';
import type { TKey } from '../i18n/catalog';
import type { EvalReport } from '../worker/protocol';
import type { Format } from './i18n';

export type Verdict = 'helps' | 'noise' | 'hurts';

export interface Line {
  key: TKey;
  values: Record<string, string | number>;
}

export interface SummaryInput {
  report: EvalReport;
  /** The final test report (else the latest validation). */
  final: boolean;
  task: TaskId;
  kind: 'classification' | 'generation';
  /** Number of classes (classification). */
  classes: number | null;
  hyper: Hyper;
  teacherParams: number | null;
  studentParams: number | null;
}

export interface Summary {
  verdict: Verdict;
  lines: Line[];
  warnings: Line[];
  next: Line;
}

/** Beyond two standard errors either way, else noise. */
export function verdictFor(gain: number, se: number): Verdict {
  if (gain > 2 * se && gain > 0) return 'helps';
  if (gain < -2 * se && gain < 0) return 'hurts';
  return 'noise';
}

const RESULT: Record<Verdict, TKey> = {
  helps: 'insight.summary.helps',
  noise: 'insight.summary.noise',
  hurts: 'insight.summary.hurts',
};
const NEXT: Record<Verdict, TKey> = {
  helps: 'insight.summary.next.helps',
  noise: 'insight.summary.next.noise',
  hurts: 'insight.summary.next.hurts',
};

/** Null until the report has both students and their paired gain. */
export function summarize(x: SummaryInput, fmt: Format): Summary | null {
  const { report: r } = x;
  if (!r.student || !r.baseline || !r.gain) return null;
  const { gain, se, rows } = r.gain;
  const verdict = verdictFor(gain, se);
  const pts = (v: number) => fmt.pts(v);
  const lines: Line[] = [];
  const warnings: Line[] = [];
  lines.push({
    key: x.final ? 'insight.summary.final' : 'insight.summary.interim',
    values: { rows: fmt.int(rows), step: r.step },
  });
  lines.push({
    key: RESULT[verdict],
    values: {
      student: fmt.pct(r.student.accuracy),
      baseline: fmt.pct(r.baseline.accuracy),
      gain: verdict === 'hurts' ? pts(-gain).replace('+', '') : pts(gain),
      se: fmt.fixed(se * 100, 1),
      z: se > 0 ? fmt.fixed(Math.abs(gain) / se, 1) : '∞',
    },
  });
  const chance = x.kind === 'classification' && x.classes ? 1 / x.classes : null;
  if (r.teacher) {
    const agreement = { agreement: fmt.pct(r.student.agreement), baselineAgreement: fmt.pct(r.baseline.agreement) };
    if (chance !== null)
      lines.push({
        key: 'insight.summary.teacher',
        values: { teacher: fmt.pct(r.teacher.accuracy), chance: fmt.pct(chance, 0), ...agreement },
      });
    else
      lines.push({ key: 'insight.summary.teacherGen', values: { teacher: fmt.pct(r.teacher.accuracy), ...agreement } });
  }
  const h = x.hyper;
  if (h.alpha === 0) lines.push({ key: 'insight.summary.knobsAlphaZero', values: {} });
  else
    lines.push({
      key: 'insight.summary.knobs',
      values: {
        t: fmt.num(h.temperature, 3),
        alpha: fmt.num(h.alpha, 3),
        alphaPct: fmt.pct(h.alpha, 0),
        hardPct: fmt.pct(1 - h.alpha, 0),
      },
    });
  if (x.teacherParams && x.studentParams && x.teacherParams > x.studentParams) {
    lines.push({ key: 'insight.summary.size', values: { ratio: fmt.fixed(x.teacherParams / x.studentParams, 1) } });
  }

  // Warnings: what makes this run's numbers misleading.
  if (r.teacher && chance !== null) {
    const t = r.teacher.accuracy;
    if (t < chance + Math.max(0.05, 0.15 * (1 - chance)))
      warnings.push({ key: 'insight.warn.teacherChance', values: { teacher: fmt.pct(t), chance: fmt.pct(chance, 0) } });
    else if (t < chance + (1 - chance) / 3)
      warnings.push({ key: 'insight.warn.teacherWeak', values: { teacher: fmt.pct(t) } });
  }
  if (verdict === 'noise' && !x.final && r.step > 0) warnings.push({ key: 'insight.warn.noise', values: {} });
  if (x.task === 'modadd' && verdict !== 'helps') warnings.push({ key: 'insight.warn.modaddTiny', values: {} });
  else if (
    x.final &&
    r.teacher &&
    verdict !== 'helps' &&
    r.teacher.accuracy - Math.max(r.student.accuracy, r.baseline.accuracy) > 0.3
  ) {
    warnings.push({ key: 'insight.warn.capacity', values: {} });
  }
  return { verdict, lines, warnings, next: { key: NEXT[verdict], values: {} } };
}
