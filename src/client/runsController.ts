// The runs table's side effects: load the records when the database opens, save a run when it ends
// (done, or stopped part way), delete, export. Every database call is awaited off the UI's path and
// its result goes into the store as a RunsAction, so a failure is a notice on the page, never a throw.

import type { download } from './download';
import { runToRecord } from './runToRecord';
import type { StoredRecord } from './runRecord';
import type { DbResult, RunsDb } from './runsDb';
import { curvesLongCsv, metricsLongCsv, recordsJson } from './runsExport';
import type { RunsAction } from './runsState';
import type { RunsSync } from './runsSync';
import type { Store } from './store';

export interface RunsDeps {
  /** The database, opening (main.tsx: openRunsDb()); null where none is wanted (tests of other panels). */
  db: Promise<DbResult<RunsDb>> | null;
  save: typeof download;
  /** A fresh record id. */
  newId?: () => string;
  now?: () => number;
  /** Other tabs of the page (main.tsx: broadcastSync()); absent in tests that need none. */
  sync?: RunsSync | null;
}

/** A fresh, unique record id (runs use it; a sweep's record may too). */
export function newRecordId(): string {
  const c = globalThis.crypto;
  return `run-${typeof c?.randomUUID === 'function' ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`}`;
}

export class RunsController {
  private readonly db: Promise<RunsDb | null>;
  private readonly newId: () => string;
  private readonly now: () => number;
  /** Saves in flight, so tests (and a page about to unload) can wait for them. */
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly deps: RunsDeps,
  ) {
    this.newId = deps.newId ?? newRecordId;
    this.now = deps.now ?? Date.now;
    this.db = (
      deps.db ??
      Promise.resolve<DbResult<RunsDb>>({ ok: false, error: { kind: 'unavailable', message: 'no database was given' } })
    ).then((r) => {
      if (!r.ok) {
        this.dispatch({ type: 'unavailable', error: r.error });
        return null;
      }
      return r.value;
    });
    this.track(this.reload());
    deps.sync?.onChanged(() => void this.track(this.reload()));
  }

  private dispatch(action: RunsAction): void {
    this.store.dispatch({ type: 'runs', action });
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending = Promise.all([this.pending, p.catch(() => undefined)]);
    return p;
  }

  /** Resolves once every load, save and delete started so far has finished. */
  settled(): Promise<void> {
    return this.pending.then(() => undefined);
  }

  async reload(): Promise<void> {
    const db = await this.db;
    if (!db) return;
    const r = await db.list();
    if (!r.ok) this.dispatch({ type: 'failed', op: 'load', error: r.error });
    else {
      // Corrupt records are left in the database (an older page may read them) and named in the console.
      for (const s of r.value.skipped) console.warn(`runs table: skipped record ${s.key}: ${s.reason}`);
      this.dispatch({ type: 'loaded', records: r.value.records, skipped: r.value.skipped });
    }
  }

  /**
   * Saves the store's current run (call it when the run is done, or before it is reset or replaced).
   * Builds the record now, synchronously, and writes it in the background.
   */
  saveCurrentRun(): void {
    const record = runToRecord(this.store.getState(), { id: this.newId(), now: this.now() });
    if (record) this.keep(record);
  }

  /** Writes any record (a run, or a finished sweep from the sweeps view) in the background; the table lists it. */
  keep(record: StoredRecord): Promise<void> {
    return this.track(
      (async () => {
        const db = await this.db;
        if (!db) return;
        const r = await db.put(record);
        if (r.ok) {
          this.dispatch({ type: 'saved', record });
          this.deps.sync?.changed();
        } else this.dispatch({ type: 'failed', op: 'save', error: r.error });
      })(),
    );
  }

  remove(ids: readonly string[]): Promise<void> {
    return this.track(
      (async () => {
        const db = await this.db;
        if (!db || !ids.length) return;
        const r = await db.delete(ids);
        if (r.ok) {
          this.dispatch({ type: 'deleted', ids });
          this.deps.sync?.changed();
        } else this.dispatch({ type: 'failed', op: 'delete', error: r.error });
      })(),
    );
  }

  dismiss(): void {
    this.dispatch({ type: 'dismiss' });
  }

  /** The selected records (in the given order) as a file: the records as JSON, curves or metrics as long CSV. */
  exportRecords(ids: readonly string[], format: 'json' | 'curvesCsv' | 'metricsCsv'): void {
    const byId = new Map(this.store.getState().runs.records.map((r) => [r.id, r]));
    const records = ids.flatMap((id) => byId.get(id) ?? []);
    if (!records.length) return;
    switch (format) {
      case 'json':
        this.deps.save('runs.json', recordsJson(records), 'application/json');
        break;
      case 'curvesCsv':
        this.deps.save('runs-curves.csv', curvesLongCsv(records), 'text/csv');
        break;
      case 'metricsCsv':
        this.deps.save('runs-metrics.csv', metricsLongCsv(records), 'text/csv');
        break;
      default: {
        const never: never = format;
        throw new Error(`unknown export ${String(never)}`);
      }
    }
  }
}
