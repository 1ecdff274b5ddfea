// The controller keeps runs: a finished run once, a run reset or replaced after progress as
// "stopped", none without a step; a failed save is a notice in the state, not a throw.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { LossPoint, WorkerCommand, WorkerEvent } from '../worker/protocol';
import { Controller, type WorkerPort } from './controller';
import { openRunsDb, type RunsDb } from './runsDb';
import type { RunsSync } from './runsSync';
import { initialState } from './state';
import { createStore } from './store';

const point = (step: number): LossPoint => ({
  phase: 'distill',
  step,
  lr: 1e-3,
  temperature: 4,
  alpha: 0.7,
  values: { total: 1.5, baseline: 2 },
});

function setup(db = openRunsDb(), sync: RunsSync | null = null) {
  const port: WorkerPort = { postMessage: (_c: WorkerCommand) => {}, onmessage: null };
  const store = createStore(initialState(DEFAULT_CONFIG));
  const saved: { name: string; data: unknown }[] = [];
  const c = new Controller(store, port, (name, data) => saved.push({ name, data }), db, sync);
  const emit = (e: WorkerEvent) => port.onmessage!({ data: e } as MessageEvent<WorkerEvent>);
  return { c, store, emit, saved };
}

async function stored(): Promise<RunsDb> {
  const r = await openRunsDb();
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('keeping runs', () => {
  it('saves a finished run once, and lists it after a reload of the page', async () => {
    const { c, store, emit } = setup();
    await c.runs.settled();
    expect(store.getState().runs.status).toBe('ready');
    const runId = c.start();
    emit({ type: 'phase', runId, phase: 'distill', detail: '', totalSteps: 2 });
    emit({ type: 'points', runId, points: [point(1), point(2)], speed: null });
    emit({ type: 'phase', runId, phase: 'done', detail: '', totalSteps: 0 });
    emit({ type: 'phase', runId, phase: 'done', detail: '', totalSteps: 0 }); // a repeated event saves nothing more
    c.reset(); // a finished run is not saved again as stopped
    await c.runs.settled();
    const { records, notice } = store.getState().runs;
    expect(records).toHaveLength(1);
    expect(records[0].kind === 'run' && records[0].end).toEqual({ kind: 'done' });
    expect(notice).toEqual({ kind: 'saved', title: records[0].title, end: { kind: 'done' } });
    // A new page (a new controller on the same database) lists it.
    const again = setup();
    await again.c.runs.settled();
    expect(again.store.getState().runs.records.map((r) => r.id)).toEqual([records[0].id]);
  });

  it('saves a run reset or replaced after progress as stopped at its step, and nothing for a run without a step', async () => {
    const { c, store, emit } = setup();
    c.start();
    c.reset(); // no step yet
    let runId = c.start();
    emit({ type: 'points', runId, points: [point(1), point(2), point(3)], speed: null });
    c.reset();
    runId = c.start();
    emit({ type: 'points', runId, points: [point(1)], speed: null });
    c.start(); // Start again replaces the run
    await c.runs.settled();
    const ends = store.getState().runs.records.map((r) => (r.kind === 'run' ? r.end : null));
    expect(ends).toHaveLength(2);
    expect(ends).toContainEqual({ kind: 'stopped', phase: 'distill', step: 3 });
    expect(ends).toContainEqual({ kind: 'stopped', phase: 'distill', step: 1 });
    const db = await stored();
    const listed = await db.list();
    expect(listed.ok && listed.value.records).toHaveLength(2);
    db.close();
  });

  it('keeps a run under way as stopped before the page leaves for another run’s URL, and has written it when the promise resolves', async () => {
    const { c, emit } = setup();
    const runId = c.start();
    emit({ type: 'points', runId, points: [point(1), point(2)], speed: null });
    await c.beforeLeaving();
    const db = await stored();
    const listed = await db.list();
    expect(listed.ok && listed.value.records.map((r) => (r.kind === 'run' ? r.end : null))).toEqual([
      { kind: 'stopped', phase: 'distill', step: 2 },
    ]);
    db.close();
  });

  it('reports a full disk as a notice and keeps the runs already stored and listed', async () => {
    const { c, store, emit } = setup();
    let runId = c.start();
    emit({ type: 'points', runId, points: [point(1)], speed: null });
    c.reset();
    await c.runs.settled();
    expect(store.getState().runs.records).toHaveLength(1);
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementationOnce(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    runId = c.start();
    emit({ type: 'points', runId, points: [point(1), point(2)], speed: null });
    c.reset();
    await c.runs.settled();
    const runs = store.getState().runs;
    expect(runs.notice).toMatchObject({ kind: 'error', op: 'save', error: { kind: 'quota' } });
    expect(runs.records).toHaveLength(1);
    vi.restoreAllMocks();
  });

  it('says runs are not kept where the browser has no IndexedDB, and training goes on', async () => {
    const { c, store, emit } = setup(Promise.resolve({ ok: false, error: { kind: 'unavailable', message: 'none' } }));
    const runId = c.start();
    emit({ type: 'points', runId, points: [point(1)], speed: null });
    c.reset();
    await c.runs.settled();
    expect(store.getState().runs.status).toBe('unavailable');
    expect(store.getState().run.runId).toBe(runId + 1);
  });

  it('tells other tabs when it keeps or deletes a run, and lists again when another tab does', async () => {
    // Two tabs on one database, joined by an in-memory channel.
    const listeners: (() => void)[] = [];
    const bus = (): RunsSync => {
      let mine: (() => void) | null = null;
      return {
        changed: () => listeners.filter((l) => l !== mine).forEach((l) => l()),
        onChanged: (l) => listeners.push((mine = l)),
      };
    };
    const one = setup(openRunsDb(), bus());
    const two = setup(openRunsDb(), bus());
    await Promise.all([one.c.runs.settled(), two.c.runs.settled()]);
    const runId = one.c.start();
    one.emit({ type: 'points', runId, points: [point(1)], speed: null });
    one.c.reset();
    await one.c.runs.settled();
    await two.c.runs.settled();
    const ids = two.store.getState().runs.records.map((r) => r.id);
    expect(ids).toEqual(one.store.getState().runs.records.map((r) => r.id));
    expect(ids).toHaveLength(1);
    await two.c.runs.remove(ids);
    await one.c.runs.settled();
    expect(one.store.getState().runs.records).toEqual([]);
  });

  it('deletes and exports the selected records', async () => {
    const { c, store, emit, saved } = setup();
    for (let i = 0; i < 2; i++) {
      const runId = c.start();
      emit({ type: 'points', runId, points: [point(1)], speed: null });
      c.reset();
    }
    await c.runs.settled();
    const ids = store.getState().runs.records.map((r) => r.id);
    c.runs.exportRecords(ids, 'curvesCsv');
    expect(saved[0].name).toBe('runs-curves.csv');
    expect(String(saved[0].data).trim().split('\n')).toHaveLength(1 + 2 * 2); // header + 2 runs × (total, baseline)
    await c.runs.remove([ids[0]]);
    expect(store.getState().runs.records.map((r) => r.id)).toEqual([ids[1]]);
    const db = await stored();
    const listed = await db.list();
    expect(listed.ok && listed.value.records.map((r) => r.id)).toEqual([ids[1]]);
    db.close();
  });
});
