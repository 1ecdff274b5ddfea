// The IndexedDB store on fake-indexeddb (a spec-complete in-memory IndexedDB for Node): a round trip,
// an upgrade that keeps data, corrupt records skipped and reported, and a full disk reported as such
// without losing what was stored.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunRecord, StoredRecord } from './runRecord';
import { ACTIVE_STORE, DB_NAME, MIGRATIONS, openRunsDb, RUNS_STORE, UPLOADS_STORE, type RunsDb } from './runsDb';

function record(id: string, createdAt: number, accuracy = 0.5): RunRecord {
  return {
    kind: 'run',
    id,
    createdAt,
    title: `run ${id}`,
    url: '?task=sentiment&seed=1',
    metrics: { 'test.student.accuracy': accuracy },
    curves: {
      'distill.loss.total': {
        scale: 'nats',
        points: [
          { step: 1, value: 2.5 },
          { step: 2, value: 2.25 },
        ],
      },
    },
    end: { kind: 'done' },
    marks: [],
  };
}

async function open(): Promise<RunsDb> {
  const r = await openRunsDb();
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const opened: RunsDb[] = [];

beforeEach(() => {
  // A fresh, empty IndexedDB for every test.
  globalThis.indexedDB = new IDBFactory();
});

afterEach(() => {
  opened.splice(0).forEach((db) => db.close());
  vi.restoreAllMocks();
});

describe('the runs store', () => {
  it('puts, lists (newest first), gets and deletes records', async () => {
    const db = await open();
    opened.push(db);
    expect(await db.list()).toEqual({ ok: true, value: { records: [], skipped: [] } });
    const a = record('a', 1000, 0.4);
    const b = record('b', 2000, 0.6);
    const { end: _end, marks: _marks, ...common } = record('s', 1500);
    const sweep: StoredRecord = { ...common, kind: 'sweep', detail: { grid: [1, 2] } };
    for (const r of [a, b, sweep]) expect(await db.put(r)).toEqual({ ok: true, value: undefined });
    const listed = await db.list();
    expect(listed.ok && listed.value.records.map((r) => r.id)).toEqual(['b', 's', 'a']);
    expect(await db.get('a')).toEqual({ ok: true, value: a });
    expect(await db.get('s')).toEqual({ ok: true, value: sweep });
    expect(await db.get('nope')).toEqual({ ok: true, value: null });
    // Putting the same id again replaces it.
    await db.put({ ...a, title: 'renamed' });
    const again = await db.get('a');
    expect(again.ok && again.value?.title).toBe('renamed');
    expect(await db.delete(['a', 's'])).toEqual({ ok: true, value: undefined });
    const after = await db.list();
    expect(after.ok && after.value.records.map((r) => r.id)).toEqual(['b']);
  });

  it('keeps records across a reopen and the upgrade from v1 to v2 (issue 11: the active-run and upload slots)', async () => {
    const r1 = await openRunsDb({ migrations: MIGRATIONS.slice(0, 1) });
    if (!r1.ok) throw new Error(r1.error.message);
    await r1.value.put(record('a', 1000));
    r1.value.close();
    const upgrade = vi.fn(MIGRATIONS[1]);
    const r = await openRunsDb({ migrations: [MIGRATIONS[0], upgrade] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    opened.push(r.value);
    expect(upgrade).toHaveBeenCalledTimes(1);
    const listed = await r.value.list();
    expect(listed.ok && listed.value.records).toEqual([record('a', 1000)]);
    r.value.close();
    const raw = await openDB(DB_NAME);
    expect(raw.version).toBe(2);
    expect([...raw.objectStoreNames].sort()).toEqual([ACTIVE_STORE, RUNS_STORE, UPLOADS_STORE].sort());
    raw.close();
  });

  it('skips and reports corrupt records (missing fields, unknown kind) and still lists the valid ones', async () => {
    const db = await open();
    opened.push(db);
    await db.put(record('good', 3000));
    // Written behind the module's back, as an older page or an extension might.
    const raw = await openDB(DB_NAME);
    await raw.put(RUNS_STORE, {
      id: 'no-metrics',
      kind: 'run',
      createdAt: 1,
      title: 't',
      url: '?',
      curves: {},
      end: { kind: 'done' },
      marks: [],
    });
    await raw.put(RUNS_STORE, { ...record('alien', 2000), kind: 'checkpoint' });
    await raw.put(RUNS_STORE, { ...record('nan', 2500), metrics: { x: Number.NaN } });
    await raw.put(RUNS_STORE, {
      ...record('bad-point', 2600),
      curves: { c: { scale: 'nats', points: [{ step: 1 }] } },
    });
    raw.close();
    const listed = await db.list();
    expect(listed.ok).toBe(true);
    if (!listed.ok) return;
    expect(listed.value.records.map((r) => r.id)).toEqual(['good']);
    expect(Object.fromEntries(listed.value.skipped.map((s) => [s.key, s.reason]))).toEqual({
      'no-metrics': 'metrics is not an object',
      alien: 'unknown kind "checkpoint"',
      nan: 'metric "x" is not a finite number',
      'bad-point': 'curve "c" has a point that is not {step, value}',
    });
    // get() of a corrupt record is an error result, not a throw.
    const got = await db.get('alien');
    expect(got.ok).toBe(false);
  });

  it('turns a full disk (QuotaExceededError) into a "quota" result and loses nothing already stored', async () => {
    const db = await open();
    opened.push(db);
    await db.put(record('kept', 1000));
    // idb wraps the native store: make the native put fail once, as a full disk does.
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementationOnce(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const r = await db.put(record('too-big', 2000));
    expect(put).toHaveBeenCalled();
    expect(r).toEqual({
      ok: false,
      error: { kind: 'quota', message: 'QuotaExceededError: The quota has been exceeded.' },
    });
    const listed = await db.list();
    expect(listed.ok && listed.value.records.map((x) => x.id)).toEqual(['kept']);
  });

  it('says "unavailable" where the browser has no IndexedDB', async () => {
    const saved = globalThis.indexedDB;
    // @ts-expect-error: a browser without IndexedDB (jsdom, some private modes)
    delete globalThis.indexedDB;
    try {
      const r = await openRunsDb();
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.kind).toBe('unavailable');
    } finally {
      globalThis.indexedDB = saved;
    }
  });
});
