// The active-run record: what a snapshot stores, what a restore puts back (nothing after the
// checkpoint's step), which stored values are refused and in which words, and which kept runs a
// full storage evicts. Pure functions: no database here (see src/ui/storedRun.test.tsx for that).

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../config';
import type { EvalReport, LossPoint } from '../worker/protocol';
import { runsToEvict } from './activeRunKeeper';
import { configToRecordUrl, parseActiveRun, type ActiveRunRecord, type StoredActiveRun } from './activeRunRecord';
import { packHistory } from './packedHistory';
import { restoreRun, snapshotRun } from './activeRunSnapshot';
import type { StoredRecord } from './runRecord';
import { emptyRun, reduceRun, type RunView } from './state';

const CONFIG: RunConfig = { ...DEFAULT_CONFIG, seed: 3, teacherSteps: 4 };

const point = (phase: 'teacher' | 'distill', step: number): LossPoint => ({
  phase,
  step,
  lr: 1e-3,
  temperature: 2,
  alpha: 0.5,
  values: { total: 10 - step },
});

const val = (phase: 'teacher' | 'distill', step: number, accuracy: number): EvalReport => ({
  phase,
  step,
  split: 'val',
  student: { accuracy, nll: 1, perplexity: Math.E, ece: 0, reliability: [] },
});

/** A run 4 teacher steps and 6 distillation steps in, evaluated every 2 steps, with one marker per phase. */
function liveRun(): RunView {
  let run = emptyRun(5, true, false, CONFIG);
  const ev = (e: Parameters<typeof reduceRun>[1]) => (run = reduceRun(run, e));
  ev({ type: 'phase', runId: 5, phase: 'teacher', detail: '', totalSteps: 4 });
  ev({ type: 'points', runId: 5, points: [1, 2, 3, 4].map((s) => point('teacher', s)), speed: null });
  ev({ type: 'eval', runId: 5, report: val('teacher', 4, 0.5) });
  ev({ type: 'phase', runId: 5, phase: 'distill', detail: '', totalSteps: 20 });
  ev({ type: 'points', runId: 5, points: [1, 2, 3, 4, 5, 6].map((s) => point('distill', s)), speed: null });
  for (const s of [2, 4, 6]) ev({ type: 'eval', runId: 5, report: val('distill', s, s / 10) });
  ev({ type: 'hyperApplied', runId: 5, phase: 'teacher', step: 2, changes: { temperature: { from: 4, to: 2 } } });
  ev({ type: 'hyperApplied', runId: 5, phase: 'distill', step: 5, changes: { alpha: { from: 0.7, to: 0.5 } } });
  return run;
}

const bytes = new Uint8Array([1, 2, 3]).buffer;

/** The live run as stored, checkpointed at distillation step 4. */
function record(over: Partial<StoredActiveRun> = {}): StoredActiveRun {
  const r = snapshotRun(liveRun(), { phase: 'distill', step: 4, bytes }, null, 1234);
  if (!r) throw new Error('no record');
  return { ...r, ...over };
}

/** The same, read back as the page reads it (a structured clone, as IndexedDB makes, then the parser). */
function readBack(over: Partial<StoredActiveRun> = {}): ActiveRunRecord {
  const parsed = parseActiveRun(structuredClone(record(over)));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

describe('snapshot and restore', () => {
  it('round-trips through the parser, and a restore keeps only what happened by the checkpoint', () => {
    const parsed = parseActiveRun(structuredClone(record()));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.url).toBe(configToRecordUrl(CONFIG));
    const run = restoreRun(parsed.value, 9, CONFIG);
    expect(run.runId).toBe(9);
    expect(run.config).toEqual(CONFIG);
    expect(run.teacherLoss.map((r) => r.step)).toEqual([1, 2, 3, 4]);
    expect(run.distillLoss.map((r) => r.step)).toEqual([1, 2, 3, 4]); // 5 and 6 are recomputed by the worker
    expect(run.distillAccuracy.map((r) => [r.step, r.student])).toEqual([
      [2, 0.2],
      [4, 0.4],
    ]);
    expect(run.latestVal?.step).toBe(4);
    expect(run.markers.map((m) => `${m.phase}:${m.step}`)).toEqual(['teacher:2']);
    expect([run.phase, run.teacherStep, run.distillStep, run.totalSteps]).toEqual(['distill', 4, 4, 20]);
    expect(run.history).toHaveLength(8);
    expect(parsed.value.history.map((p) => `${p.phase}:${p.step}`).slice(-2)).toEqual(['distill:3', 'distill:4']);
  });

  it('a checkpoint in the teacher phase drops all of distillation', () => {
    const run = restoreRun(readBack({ checkpoint: { phase: 'teacher', step: 3, bytes } }), 2, CONFIG);
    expect(run.teacherLoss.map((x) => x.step)).toEqual([1, 2, 3]);
    expect(run.distillLoss).toEqual([]);
    expect(run.teacherAccuracy).toEqual([]); // its evaluation was at step 4
    expect([run.phase, run.teacherStep, run.distillStep]).toEqual(['teacher', 3, 0]);
  });
});

describe('a run saved on pause', () => {
  it('is stored as paused and restored paused; a periodic checkpoint restores running', () => {
    const onPause = snapshotRun(liveRun(), { phase: 'distill', step: 4, bytes, onPause: true }, null, 1234);
    expect(onPause?.paused).toBe(true);
    const parsed = parseActiveRun(structuredClone(onPause));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.value.paused).toBe(true);
    expect(restoreRun(parsed.value, 2, CONFIG).paused).toBe(true);
    expect(readBack().paused).toBe(false);
    expect(restoreRun(readBack(), 2, CONFIG).paused).toBe(false);
  });

  it('reads a record of an older page (no paused flag) as running, and refuses a flag that is not a boolean', () => {
    const { paused: _, ...older } = record();
    const parsed = parseActiveRun(structuredClone(older));
    expect(parsed.ok && parsed.value.paused).toBe(false);
    expect(parseActiveRun({ ...record(), paused: 'yes' })).toEqual({
      ok: false,
      reason: 'its paused flag is not true or false',
    });
  });
});

describe('parseActiveRun refuses what it cannot resume, in words', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', 'hello', 'it is not a saved run'],
    ['another version', { ...record(), version: 99 }, 'it was saved in another format (version 99)'],
    ['no bytes', { ...record(), checkpoint: { phase: 'distill', step: 4 } }, 'its checkpoint has no bytes'],
    [
      'empty bytes',
      { ...record(), checkpoint: { phase: 'distill', step: 4, bytes: new ArrayBuffer(0) } },
      'its checkpoint has no bytes',
    ],
    [
      'bad step',
      { ...record(), checkpoint: { phase: 'distill', step: -1, bytes } },
      'its checkpoint has no phase and step',
    ],
    ['no task', { ...record(), url: '?seed=3' }, 'its settings name no task'],
    ['bad setting', { ...record(), url: '?task=sentiment&temperature=-5' }, 'its settings are not valid'],
    [
      'custom without its file',
      { ...record(), url: '?task=custom-csv' },
      'it trains on an uploaded file that was not saved with it',
    ],
    ['bad point', { ...record(), history: [{ phase: 'distill', step: 1 }] }, 'its curves are not stored as columns'],
    [
      'short column',
      { ...record(), history: { ...record().history, lr: new Float64Array(1) } },
      'its curves have no lr column',
    ],
    [
      'bad phase',
      { ...record(), history: { ...record().history, phase: new Uint8Array(8).fill(7) } },
      'its curves have a point (1) with no phase or step',
    ],
    [
      'bad eval',
      { ...record(), evals: [{ phase: 'distill', step: 1, split: 'val', student: { accuracy: 'x' } }] },
      'its evaluations have an entry (1)',
    ],
    ['markers not a list', { ...record(), markers: {} }, 'its markers are not a list'],
  ];
  it.each(cases)('%s', (_, value, reason) => {
    const parsed = parseActiveRun(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it('keeps a non-finite loss (a diverging step is data) and a custom run with its file', () => {
    const diverged = { ...point('distill', 1), values: { total: Number.NaN } };
    const upload = { name: 'a.csv', bytes: new Uint8Array([65]).buffer };
    const parsed = parseActiveRun({ ...record(), history: packHistory([diverged]), url: '?task=custom-csv', upload });
    expect(parsed.ok && parsed.value.history[0].values.total).toBeNaN();
    expect(parsed.ok && parsed.value.upload?.name).toBe('a.csv');
  });
});

describe('runsToEvict', () => {
  const run = (id: string, createdAt: number, points: number): StoredRecord => ({
    kind: 'run',
    id,
    createdAt,
    title: id,
    url: '',
    metrics: {},
    curves: { c: { scale: 'nats', points: Array.from({ length: points }, (_, i) => ({ step: i, value: 0.5 })) } },
    end: { kind: 'done' },
    marks: [],
  });
  const sweep: StoredRecord = { ...run('sweep', 0, 0), kind: 'sweep', detail: {} } as StoredRecord;
  // Newest first, as the runs state lists them.
  const records = [run('new', 3000, 1000), run('mid', 2000, 1000), run('old', 1000, 1000), sweep];
  const size = 2 * JSON.stringify(run('old', 1000, 1000)).length;

  it('takes the oldest runs (never sweeps) until their estimated size covers what is needed, at least one', () => {
    expect(runsToEvict(records, 1).map((r) => r.id)).toEqual(['old']);
    expect(runsToEvict(records, size).map((r) => r.id)).toEqual(['old']);
    expect(runsToEvict(records, size + 1).map((r) => r.id)).toEqual(['old', 'mid']);
    expect(runsToEvict(records, 1e12).map((r) => r.id)).toEqual(['old', 'mid', 'new']);
    expect(runsToEvict([sweep], 1)).toEqual([]);
  });
});
