// Selected records of the runs table as files: the records themselves as JSON, their curves as a
// long CSV (run_id, series, step, value: one row per point, so any number of runs and series load
// into one data frame) and their metrics as a long CSV (run_id, metric, value).

import type { StoredRecord } from './runRecord';

const cell = (v: string | number) =>
  typeof v === 'number' ? String(v) : /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
const row = (cells: (string | number)[]) => cells.map(cell).join(',');

/** The records as stored (validated), in a versioned envelope so a later import can tell. */
export function recordsJson(records: readonly StoredRecord[]): string {
  return JSON.stringify({ format: 'distillation-playground/runs', version: 1, records }, null, 2) + '\n';
}

export function curvesLongCsv(records: readonly StoredRecord[]): string {
  const lines = [row(['run_id', 'series', 'step', 'value'])];
  for (const r of records) {
    for (const [series, curve] of Object.entries(r.curves)) {
      for (const p of curve.points) lines.push(row([r.id, series, p.step, p.value]));
    }
  }
  return lines.join('\n') + '\n';
}

export function metricsLongCsv(records: readonly StoredRecord[]): string {
  const lines = [row(['run_id', 'kind', 'title', 'created_at', 'url', 'metric', 'value'])];
  for (const r of records) {
    const created = new Date(r.createdAt).toISOString();
    for (const [metric, value] of Object.entries(r.metrics))
      lines.push(row([r.id, r.kind, r.title, created, r.url, metric, value]));
  }
  return lines.join('\n') + '\n';
}
