// Curves and metrics as CSV and JSON files (plain strings; download.ts saves them).

import type { RunConfig } from '../config';
import { LOSS_KEYS, MODEL_ROLES, type EvalReport, type LossPoint } from '../worker/protocol';
import type { RunView } from './state';

const cell = (v: number | string | undefined) =>
  v === undefined ? '' : typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;

export function curvesCsv(points: readonly LossPoint[]): string {
  const header = ['phase', 'step', 'lr', 'temperature', 'alpha', ...LOSS_KEYS];
  const rows = points.map((p) =>
    [p.phase, p.step, p.lr, p.temperature, p.alpha, ...LOSS_KEYS.map((k) => p.values[k])].map(cell).join(','),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}

export function metricsCsv(evals: readonly EvalReport[]): string {
  const header = [
    'phase',
    'split',
    'step',
    'model',
    'accuracy',
    'macro_f1',
    'nll',
    'perplexity',
    'ece',
    'agreement',
    'kl_to_teacher',
    'kl_to_truth',
  ];
  const rows: string[] = [];
  for (const r of evals) {
    for (const role of MODEL_ROLES) {
      const m = r[role];
      if (!m) continue;
      rows.push(
        [
          r.phase,
          r.split,
          r.step,
          role,
          m.accuracy,
          m.macroF1,
          m.nll,
          m.perplexity,
          m.ece,
          m.agreement,
          m.klToTeacher,
          m.klToTruth,
        ]
          .map(cell)
          .join(','),
      );
    }
  }
  return [header.join(','), ...rows].join('\n') + '\n';
}

export function runJson(config: RunConfig, run: RunView, kind: 'curves' | 'metrics'): string {
  const body =
    kind === 'curves'
      ? { config, points: run.history, markers: run.markers }
      : {
          config,
          validation: run.evals.filter((e) => e.split === 'val'),
          test: run.test,
          speed: run.speed,
          latencyMs: run.latency,
        };
  return JSON.stringify(body, null, 2) + '\n';
}
