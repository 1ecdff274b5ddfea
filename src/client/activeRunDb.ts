// The two single-slot stores of issue 11 (schema v2 in runsDb.ts): the active run with its latest
// checkpoint, and the last uploaded file. Like RunsDb, operations never throw: failures come back as
// DbErrors (quota included, which the keeper answers by evicting old runs). Reads return the raw
// stored value: the caller parses it (activeRunRecord.ts) and words what is wrong with it.

import type { IDBPDatabase } from 'idb';
import type { StoredActiveRun, StoredUpload } from './activeRunRecord';
import { ACTIVE_STORE, attempt, openDatabase, UPLOADS_STORE, type DbResult, type OpenOptions } from './runsDb';

/** The one key of each slot. */
const SLOT = 'current';

export interface ActiveRunDb {
  /** The stored active run as it is (unknown: parse it), or null when there is none. */
  getActive(): Promise<DbResult<unknown>>;
  /** Replaces the stored active run (one slot: the latest checkpoint only). */
  putActive(record: StoredActiveRun): Promise<DbResult<void>>;
  deleteActive(): Promise<DbResult<void>>;
  getUpload(): Promise<DbResult<unknown>>;
  putUpload(upload: StoredUpload): Promise<DbResult<void>>;
  close(): void;
}

async function put(db: IDBPDatabase, store: string, value: unknown): Promise<void> {
  const tx = db.transaction(store, 'readwrite');
  // Awaiting done as well: a quota failure may only show when the transaction commits.
  await Promise.all([tx.store.put(value, SLOT), tx.done]);
}

async function remove(db: IDBPDatabase, store: string): Promise<void> {
  const tx = db.transaction(store, 'readwrite');
  await Promise.all([tx.store.delete(SLOT), tx.done]);
}

async function get(db: IDBPDatabase, store: string): Promise<unknown> {
  const v: unknown = await db.get(store, SLOT);
  return v === undefined ? null : v;
}

export async function openActiveRunDb(opts: OpenOptions = {}): Promise<DbResult<ActiveRunDb>> {
  const r = await openDatabase(opts);
  if (!r.ok) return r;
  const db = r.value;
  return {
    ok: true,
    value: {
      getActive: () => attempt(() => get(db, ACTIVE_STORE)),
      putActive: (record) => attempt(() => put(db, ACTIVE_STORE, record)),
      deleteActive: () => attempt(() => remove(db, ACTIVE_STORE)),
      getUpload: () => attempt(() => get(db, UPLOADS_STORE)),
      putUpload: (upload) => attempt(() => put(db, UPLOADS_STORE, upload)),
      close: () => db.close(),
    },
  };
}
