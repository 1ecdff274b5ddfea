// The keeper's write discipline: the first checkpoint is stored at once, later ones at most one per
// gap with the latest winning, a pause's at once; nothing is written for a run that has ended or
// been replaced. An in-memory ActiveRunDb counts the writes.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { WorkerEvent } from '../worker/protocol';
import type { ActiveRunDb } from './activeRunDb';
import type { StoredActiveRun } from './activeRunRecord';
import { Controller, type WorkerPort } from './controller';
import { initialState } from './state';
import { createStore } from './store';

function memoryDb() {
  const puts: StoredActiveRun[] = [];
  let slot: unknown = null;
  const db: ActiveRunDb = {
    getActive: async () => ({ ok: true, value: slot }),
    putActive: async (r) => {
      puts.push(r);
      slot = r;
      return { ok: true, value: undefined };
    },
    deleteActive: async () => {
      slot = null;
      return { ok: true, value: undefined };
    },
    getUpload: async () => ({ ok: true, value: null }),
    putUpload: async () => ({ ok: true, value: undefined }),
    close: () => {},
  };
  return { db, puts, slot: () => slot };
}

let clock = 0;

function setup() {
  const mem = memoryDb();
  const port: WorkerPort = { postMessage: () => {}, onmessage: null };
  const store = createStore(initialState(DEFAULT_CONFIG));
  const c = new Controller(store, port, () => {}, null, null, {
    db: Promise.resolve({ ok: true, value: mem.db }),
    minGapMs: 5000,
    now: () => clock,
  });
  const emit = (e: WorkerEvent) => port.onmessage!({ data: e } as MessageEvent<WorkerEvent>);
  const checkpoint = (runId: number, step: number, reason: 'interval' | 'pause' = 'interval') =>
    emit({ type: 'checkpoint', runId, phase: 'distill', step, reason, bytes: new Uint8Array([step]).buffer });
  return { c, emit, checkpoint, mem };
}

beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
});
afterEach(() => vi.useRealTimers());

const advance = async (ms: number) => {
  clock += ms;
  await vi.advanceTimersByTimeAsync(ms);
};

describe('checkpoint writes', () => {
  it('at most one per gap, the latest winning; a pause’s at once', async () => {
    const { c, emit, checkpoint, mem } = setup();
    const runId = c.start();
    emit({ type: 'phase', runId, phase: 'distill', detail: '', totalSteps: 100 });
    checkpoint(runId, 10);
    await c.keeper.settled();
    expect(mem.puts.map((r) => r.checkpoint.step)).toEqual([10]);
    await advance(1000);
    checkpoint(runId, 20);
    await advance(1000);
    checkpoint(runId, 30); // replaces 20, which was waiting
    await advance(2000);
    expect(mem.puts.map((r) => r.checkpoint.step)).toEqual([10]); // 4 s after the first write: still waiting
    await advance(1000);
    await c.keeper.settled();
    expect(mem.puts.map((r) => r.checkpoint.step)).toEqual([10, 30]);
    await advance(100);
    checkpoint(runId, 35, 'pause'); // the visitor paused: stored now, whatever the gap
    await c.keeper.settled();
    expect(mem.puts.map((r) => r.checkpoint.step)).toEqual([10, 30, 35]);
    expect([...new Uint8Array(mem.puts[2].checkpoint.bytes)]).toEqual([35]);
  });

  it('drops a waiting checkpoint of a run that was reset, and ignores checkpoints of other runs', async () => {
    const { c, emit, checkpoint, mem } = setup();
    const runId = c.start();
    emit({ type: 'phase', runId, phase: 'distill', detail: '', totalSteps: 100 });
    checkpoint(runId, 10);
    await advance(1000);
    checkpoint(runId, 20);
    checkpoint(runId - 1, 99); // a late event of an older run
    c.reset();
    await advance(10_000);
    await c.keeper.settled();
    expect(mem.puts.map((r) => r.checkpoint.step)).toEqual([10]);
    expect(mem.slot()).toBeNull(); // and the reset cleared what was stored
  });
});
