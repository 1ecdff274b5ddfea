// What one active-run write costs the page's thread (issue 11): the snapshot of the run on screen
// and the structured clone IndexedDB's put makes of it, at the bounds the state keeps (HISTORY_POINTS
// loss points, 200 evaluations of three models with 5×5 confusion matrices), with the history as
// point objects (as the state holds it) and packed in columns (as the slot stores it), in one run.
// Usage: npx tsx src/bench/activeRunWrite.ts

import { performance } from 'node:perf_hooks';
import { snapshotRun } from '../client/activeRunSnapshot';
import { emptyRun, HISTORY_POINTS, reduceRun } from '../client/state';
import { DEFAULT_CONFIG } from '../config';
import type { Metrics } from '../worker/protocol';

const ROUNDS = 21;

function median(f: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[ROUNDS >> 1];
}

const metrics = (): Metrics => ({
  accuracy: 0.5,
  nll: 1,
  perplexity: Math.E,
  ece: 0.05,
  macroF1: 0.5,
  reliability: Array.from({ length: 10 }, () => ({ confidence: 0.5, accuracy: 0.5, count: 10 })),
  confusion: Array.from({ length: 5 }, () => [1, 2, 3, 4, 5]),
});

let run = emptyRun(1, true, false, DEFAULT_CONFIG);
const points = Array.from({ length: HISTORY_POINTS }, (_, i) => ({
  phase: 'distill' as const,
  step: i + 1,
  lr: 1e-3,
  temperature: 4,
  alpha: 0.7,
  values: { total: 1.2, hard: 0.9, soft: 0.4, baseline: 1.3 },
}));
run = reduceRun(run, { type: 'points', runId: 1, points, speed: null });
for (let i = 0; i < 200; i++) {
  const report = { phase: 'distill' as const, step: (i + 1) * 100, split: 'val' as const };
  run = reduceRun(run, {
    type: 'eval',
    runId: 1,
    report: {
      ...report,
      teacher: metrics(),
      student: metrics(),
      baseline: metrics(),
      gain: { gain: 0, se: 0.01, n: 100, rows: 100 },
    },
  });
}
const checkpoint = { phase: 'distill' as const, step: HISTORY_POINTS, bytes: new ArrayBuffer(1 << 20) };

const packed = median(() => structuredClone(snapshotRun(run, checkpoint, null, Date.now())));
const objects = median(() =>
  structuredClone({ ...snapshotRun(run, checkpoint, null, Date.now()), history: run.history }),
);
const historyOnly = median(() => structuredClone(run.history));
console.log(
  `${run.history.length} loss points, ${run.evals.length} evaluations, a 1 MiB checkpoint; medians of ${ROUNDS}:`,
);
console.log(`  write as stored (history in columns):  ${packed.toFixed(1)} ms`);
console.log(`  same with history as point objects:    ${objects.toFixed(1)} ms  (×${(objects / packed).toFixed(1)})`);
console.log(`  of which cloning the point objects:    ${historyOnly.toFixed(1)} ms`);
