// The page's IndexedDB, behind four typed operations (put, list, get, delete) that never throw:
// every failure comes back as a DbError the UI can word (storage full, storage unavailable, …),
// so nothing in React has to catch. The schema is a list of migrations, one per version: opening
// runs those the stored database has not had yet, so data written by an older page is kept (v2, issue
// 11: the active run's checkpoint and the uploaded file, see activeRunDb.ts). Uses idb (promise
// wrappers; see package.json's commit).

import { openDB, type IDBPDatabase } from 'idb';
import { parseRecord, type StoredRecord } from './runRecord';

export const DB_NAME = 'distillation-playground';
export const RUNS_STORE = 'runs';
/** One slot: the run of this page that is under way, with its latest checkpoint (activeRunDb.ts). */
export const ACTIVE_STORE = 'activeRun';
/** One slot: the last file the worker accepted (name and bytes), sent again after a reload. */
export const UPLOADS_STORE = 'uploads';

/** Why an operation failed: the UI words each kind; `message` is the browser's own, for the console. */
export type DbErrorKind = 'unavailable' | 'quota' | 'failed';
export interface DbError {
  kind: DbErrorKind;
  message: string;
}

export type DbResult<T> = { ok: true; value: T } | { ok: false; error: DbError };

/** A stored value that is not a valid record: left in place (not deleted), reported, not listed. */
export interface SkippedRecord {
  key: string;
  reason: string;
}

export interface ListResult {
  /** Valid records, newest first. */
  records: StoredRecord[];
  skipped: SkippedRecord[];
}

export interface RunsDb {
  put(record: StoredRecord): Promise<DbResult<void>>;
  list(): Promise<DbResult<ListResult>>;
  get(id: string): Promise<DbResult<StoredRecord | null>>;
  delete(ids: readonly string[]): Promise<DbResult<void>>;
  close(): void;
}

/** One schema step: migration i takes the database from version i to i + 1. */
export type Migration = (db: IDBPDatabase) => void;

export const MIGRATIONS: readonly Migration[] = [
  // v1: one record per run or sweep, keyed by its id.
  (db) => {
    db.createObjectStore(RUNS_STORE, { keyPath: 'id' });
  },
  // v2 (issue 11): single-slot stores with out-of-line keys, so a corrupt value can still be read, reported and deleted.
  (db) => {
    db.createObjectStore(ACTIVE_STORE);
    db.createObjectStore(UPLOADS_STORE);
  },
];

function errorMessage(e: unknown): string {
  if (e instanceof Error || (typeof DOMException !== 'undefined' && e instanceof DOMException))
    return `${e.name}: ${e.message}`;
  return String(e);
}

/** A thrown DOMException as a DbError: quota gets its own kind, so the page can say "storage is full". */
export function toDbError(e: unknown): DbError {
  const name = typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
  // Firefox before 2020 called it NS_ERROR_DOM_QUOTA_REACHED.
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED')
    return { kind: 'quota', message: errorMessage(e) };
  return { kind: 'failed', message: errorMessage(e) };
}

export async function attempt<T>(op: () => Promise<T>): Promise<DbResult<T>> {
  try {
    return { ok: true, value: await op() };
  } catch (e) {
    return { ok: false, error: toDbError(e) };
  }
}

export interface OpenOptions {
  name?: string;
  /** The schema steps (tests pass a longer list to check an upgrade keeps data). */
  migrations?: readonly Migration[];
}

/** Opens (creating or upgrading) the database; 'unavailable' where the browser gives no IndexedDB. */
export async function openRunsDb(opts: OpenOptions = {}): Promise<DbResult<RunsDb>> {
  const r = await openDatabase(opts);
  return r.ok ? { ok: true, value: wrap(r.value) } : r;
}

/** The page's database itself, upgraded to the latest schema (each typed view wraps its own connection). */
export async function openDatabase(opts: OpenOptions = {}): Promise<DbResult<IDBPDatabase>> {
  const migrations = opts.migrations ?? MIGRATIONS;
  if (typeof indexedDB === 'undefined')
    return { ok: false, error: { kind: 'unavailable', message: 'this browser has no IndexedDB' } };
  let db: IDBPDatabase;
  try {
    db = await openDB(opts.name ?? DB_NAME, migrations.length, {
      upgrade(database, oldVersion) {
        for (let v = oldVersion; v < migrations.length; v++) migrations[v](database);
      },
      // Another tab opened a newer schema: let it upgrade; this tab's next operation fails and says so.
      blocking() {
        db.close();
      },
    });
  } catch (e) {
    // Private windows of some browsers refuse to open any database (InvalidStateError).
    return { ok: false, error: { kind: 'unavailable', message: errorMessage(e) } };
  }
  return { ok: true, value: db };
}

function wrap(db: IDBPDatabase): RunsDb {
  return {
    put: (record) =>
      attempt(async () => {
        const tx = db.transaction(RUNS_STORE, 'readwrite');
        // Awaiting done as well: a quota failure may only show when the transaction commits.
        await Promise.all([tx.store.put(record), tx.done]);
      }),
    list: () =>
      attempt(async () => {
        const tx = db.transaction(RUNS_STORE, 'readonly');
        const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll(), tx.done]);
        const records: StoredRecord[] = [];
        const skipped: SkippedRecord[] = [];
        values.forEach((v, i) => {
          const parsed = parseRecord(v);
          if (parsed.ok) records.push(parsed.value);
          else skipped.push({ key: String(keys[i]), reason: parsed.reason });
        });
        records.sort((a, b) => b.createdAt - a.createdAt);
        return { records, skipped };
      }),
    get: (id) =>
      attempt(async () => {
        const v: unknown = await db.get(RUNS_STORE, id);
        if (v === undefined) return null;
        const parsed = parseRecord(v);
        if (!parsed.ok) throw new Error(`record ${id} is not valid: ${parsed.reason}`);
        return parsed.value;
      }),
    delete: (ids) =>
      attempt(async () => {
        const tx = db.transaction(RUNS_STORE, 'readwrite');
        await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
      }),
    close: () => db.close(),
  };
}
