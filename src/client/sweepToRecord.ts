// A finished sweep as a record of the runs table (src/client/runRecord.ts): the table and the
// comparison read the common fields, so the sweep's headline numbers go into the metric names the
// table already knows (validation accuracy of teacher, student and baseline, the KD gain and its SE,
// taken at the cell the controls were trained at, for the first student size), and every cell of
// every size under its own name. The whole reports travel in `detail` for whoever reads them later.

import type { SweepConfig, SweepReport } from '../sweepConfig';
import type { SweepRecord } from './runRecord';
import { metricName } from './runNames';
import { configToSearchParams } from '../config';

const num = (x: number) => String(Number(x.toPrecision(4)));

/** "sweep · sentiment · teacher-s → student-s, tiny · T 1, 4 × α 0.5, 0.7 · 2 seeds" */
export function sweepTitle(config: SweepConfig): string {
  const { run } = config;
  return `sweep · ${run.task} · ${run.teacher} → ${config.students.join(', ')} · T ${config.temperatures.map(num).join(', ')} × α ${config.alphas.map(num).join(', ')} · ${config.seeds.length} seed${config.seeds.length === 1 ? '' : 's'}`;
}

/** The record of a sweep whose every group reported its final evaluation; null before that. */
export function sweepToRecord(
  config: SweepConfig,
  reports: readonly (SweepReport | undefined)[],
  made: { id: string; now: number },
): SweepRecord | null {
  const finals = config.students.map((_, g) => reports[g]);
  if (finals.some((r) => !r || !r.final)) return null;
  const done = finals as SweepReport[];
  const metrics: Record<string, number> = {};
  const head = done[0];
  const ref = head.cells[head.reference.t * head.alphas.length + head.reference.a];
  metrics[metricName({ kind: 'accuracy', split: 'val', role: 'teacher' })] = head.teacherAccuracy;
  metrics[metricName({ kind: 'accuracy', split: 'val', role: 'student' })] = ref.accuracy;
  metrics[metricName({ kind: 'accuracy', split: 'val', role: 'baseline' })] = head.baselineAccuracy;
  metrics[metricName({ kind: 'gain', split: 'val' })] = ref.gain.gain;
  metrics[metricName({ kind: 'gainSe', split: 'val' })] = ref.gain.se;
  for (const r of done) {
    for (const c of r.cells) {
      const cell = `${r.student}.T${num(c.temperature)}.a${num(c.alpha)}`;
      metrics[`cell.${cell}.gain`] = c.gain.gain;
      metrics[`cell.${cell}.gain_se`] = c.gain.se;
    }
    for (const c of r.controls) metrics[`control.${r.student}.${c.control}.gain`] = c.gain.gain;
  }
  const search = configToSearchParams(config.run);
  return {
    kind: 'sweep',
    id: made.id,
    createdAt: made.now,
    title: sweepTitle(config),
    url: `?${search.toString()}`,
    metrics,
    curves: {},
    detail: { config, reports: done },
  };
}
