// The comparison of selected records, as plain data for the charts and the metric table: curves of
// several runs merged on their steps, and every metric side by side with its difference from the
// first selected run. Pure, and it reads only the fields every kind of record has.

import { parseMetricName, type MetricId } from '../../client/runNames';
import type { CurveScale, RecordBase } from '../../client/runRecord';

/** One row per step that any run has; run i's value under `r${i}` (absent where it has no point there). */
export type OverlayRow = { step: number } & Record<`r${number}`, number | undefined>;

export const runKey = (i: number): `r${number}` => `r${i}`;

export function overlayRows(records: readonly RecordBase[], curve: string): OverlayRow[] {
  const byStep = new Map<number, OverlayRow>();
  records.forEach((r, i) => {
    for (const p of r.curves[curve]?.points ?? []) {
      const row = byStep.get(p.step) ?? ({ step: p.step } as OverlayRow);
      row[runKey(i)] = p.value;
      byStep.set(p.step, row);
    }
  });
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Names of the curves on `scale` that at least one of the records has, in a stable order. */
export function curveChoices(records: readonly RecordBase[], scale: CurveScale): string[] {
  const names = new Set<string>();
  for (const r of records) for (const [name, c] of Object.entries(r.curves)) if (c.scale === scale) names.add(name);
  return [...names].sort();
}

/** The first of `preferred` that is a choice, else the first choice; null when there is none. */
export function defaultCurve(choices: readonly string[], preferred: readonly string[]): string | null {
  return preferred.find((p) => choices.includes(p)) ?? choices[0] ?? null;
}

export interface MetricRow {
  name: string;
  id: MetricId | null;
  /** Per selected record, in selection order (undefined where a record lacks the metric). */
  values: (number | undefined)[];
  /** values[i] − values[0]; undefined for the first record and where either is missing. */
  deltas: (number | undefined)[];
}

/** Order of the known metrics: test before validation, student before baseline before teacher, gain, then steps. */
function rank(id: MetricId | null): number {
  if (!id) return 1000;
  const split = 'split' in id ? (id.split === 'test' ? 0 : 100) : 200;
  switch (id.kind) {
    case 'accuracy':
      return split + { student: 0, baseline: 1, teacher: 2 }[id.role];
    case 'gain':
      return split + 3;
    case 'gainSe':
      return split + 4;
    case 'steps':
      return split + (id.phase === 'teacher' ? 0 : 1);
    default: {
      const never: never = id;
      return never;
    }
  }
}

export function metricRows(records: readonly RecordBase[]): MetricRow[] {
  const names = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.metrics)) names.add(k);
  const rows = [...names].map((name): MetricRow => {
    const values = records.map((r) => (name in r.metrics ? r.metrics[name] : undefined));
    const first = values[0];
    const deltas = values.map((v, i) => (i === 0 || v === undefined || first === undefined ? undefined : v - first));
    return { name, id: parseMetricName(name), values, deltas };
  });
  return rows.sort((a, b) => rank(a.id) - rank(b.id) || a.name.localeCompare(b.name));
}
