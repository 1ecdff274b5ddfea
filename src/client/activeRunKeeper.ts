// The active-run slot's side effects (issue 11). At page load: read the stored run (offer it, or say
// why it cannot be resumed) and the stored upload. During a run: store each checkpoint the worker
// posts, latest wins, at most one write every minGapMs (a pause's checkpoint goes at once), off the
// UI's path. Storage full: ask once for persistent storage, evict the oldest kept runs with a
// notice that names them, retry once, else say checkpoints are off and let the run go on. The slot
// is cleared when the page's run finishes, is reset or replaced; a stored run this page did not make
// (the offer) is only overwritten by a newer run's checkpoint, or deleted when the visitor says so.

import type { TrainPhase } from '../worker/protocol';
import {
  parseActiveRun,
  parseUpload,
  type ActiveRunRecord,
  type StoredActiveRun,
  type StoredUpload,
} from './activeRunRecord';
import type { ActiveRunDb } from './activeRunDb';
import { snapshotRun, type CheckpointAt } from './activeRunSnapshot';
import type { StoredRecord } from './runRecord';
import type { RunsController } from './runsController';
import type { DbResult } from './runsDb';
import { runStatus } from './state';
import type { StoredRunAction } from './storedRunState';
import type { Store } from './store';

export interface KeeperDeps {
  /** The database, opening (main.tsx: openActiveRunDb()); null where none is wanted. */
  db: Promise<DbResult<ActiveRunDb>> | null;
  now?: () => number;
  /** Least time between two checkpoint writes (ms); the worker may post them more often. */
  minGapMs?: number;
  /** navigator.storage.persist where the browser has it (asked once, at the first checkpoint). */
  persist?: (() => Promise<boolean>) | null;
}

/** Default least time between two checkpoint writes: a few seconds of training at most is redone after a crash. */
export const CHECKPOINT_WRITE_GAP_MS = 5000;

/** A stored record's rough size in bytes (UTF-16 JSON): what evicting it frees, for choosing how many to evict. */
function estimatedBytes(value: unknown): number {
  return 2 * JSON.stringify(value).length;
}

/** What a write of `record` needs, roughly: its binary parts as they are, the rest as UTF-16 JSON. */
function bytesToStore(record: StoredActiveRun): number {
  const h = record.history;
  const columns = Object.values(h.values).reduce((n, c) => n + c.value.byteLength + c.present.byteLength, 0);
  const history = h.phase.byteLength + 4 * h.step.byteLength + columns;
  const rest = estimatedBytes({ ...record, history: null, checkpoint: null, upload: null });
  return history + rest + record.checkpoint.bytes.byteLength + (record.upload?.bytes.byteLength ?? 0);
}

/** The oldest kept runs (not sweeps) whose estimated sizes add up to `needed`, oldest first; at least one if any. */
export function runsToEvict(records: readonly StoredRecord[], needed: number): StoredRecord[] {
  const oldestFirst = records.filter((r) => r.kind === 'run').sort((a, b) => a.createdAt - b.createdAt);
  const out: StoredRecord[] = [];
  let freed = 0;
  for (const r of oldestFirst) {
    if (out.length > 0 && freed >= needed) break;
    out.push(r);
    freed += estimatedBytes(r);
  }
  return out;
}

interface Pending {
  runId: number;
  checkpoint: CheckpointAt;
}

export class ActiveRunKeeper {
  private readonly db: Promise<ActiveRunDb | null>;
  private readonly now: () => number;
  private readonly minGapMs: number;
  /** Database operations run one after another, in the order they were asked for. */
  private chain: Promise<unknown> = Promise.resolve();
  /** The stored run read at load (offered, or refused by the worker), until it is answered or overwritten. */
  private stored: ActiveRunRecord | null = null;
  /** The run whose checkpoints are stored, and the file it trains on (custom tasks). */
  private runId: number | null = null;
  private upload: StoredUpload | null = null;
  /** The slot holds a checkpoint of this page's run (so ending that run clears it). */
  private ownsSlot = false;
  private off = false;
  private askedPersist = false;
  private pending: Pending | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastWriteAt = -Infinity;
  /** The upload stored by an earlier page (null if none or unreadable); resolves once read. */
  readonly storedUpload: Promise<StoredUpload | null>;

  constructor(
    private readonly store: Store,
    private readonly runs: RunsController,
    private readonly deps: KeeperDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.minGapMs = deps.minGapMs ?? CHECKPOINT_WRITE_GAP_MS;
    this.db = (deps.db ?? Promise.resolve(null)).then((r) => (r && r.ok ? r.value : null));
    this.storedUpload = this.track(this.load());
  }

  private dispatch(action: StoredRunAction): void {
    this.store.dispatch({ type: 'stored', action });
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.chain = this.chain.then(
      () => p,
      () => p,
    );
    return p;
  }

  /** Runs `op` after every operation asked for before it. */
  private queue(op: (db: ActiveRunDb) => Promise<void>): Promise<void> {
    const next = this.chain.then(async () => {
      const db = await this.db;
      if (db) await op(db);
    });
    this.chain = next.catch((e) => console.error('active run store:', e));
    return next;
  }

  /** Resolves once every operation asked for so far has finished (tests; a page about to unload). */
  settled(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  private async load(): Promise<StoredUpload | null> {
    const db = await this.db;
    if (!db) return null;
    const active = await db.getActive();
    if (active.ok && active.value !== null) {
      const parsed = parseActiveRun(active.value);
      if (parsed.ok) {
        this.stored = parsed.value;
        const cp = parsed.value.checkpoint;
        this.dispatch({ type: 'offer', offer: { phase: cp.phase, step: cp.step, savedAt: parsed.value.savedAt } });
      } else this.dispatch({ type: 'problem', problem: { kind: 'unreadable', reason: parsed.reason } });
    } else if (!active.ok) console.warn(`active run store: ${active.error.message}`);
    const upload = await db.getUpload();
    if (!upload.ok || upload.value === null) return null;
    const parsed = parseUpload(upload.value);
    if (!parsed.ok) console.warn(`active run store: the stored upload is left unused: ${parsed.reason}`);
    return parsed.ok ? parsed.value : null;
  }

  /** The stored run offered at load, handed over to be resumed (the slot now belongs to that run). */
  takeOffered(): ActiveRunRecord | null {
    const r = this.stored;
    this.stored = null;
    return r;
  }

  /** A run starts (fresh or resumed): its checkpoints go to the slot; a previous run of this page's is cleared. */
  startRun(runId: number, upload: StoredUpload | null, resumed: boolean): void {
    if (!resumed) this.clear();
    this.runId = runId;
    this.upload = upload;
    this.off = false;
    if (resumed) this.ownsSlot = true;
  }

  /**
   * A checkpoint of the run on screen: stored soon (latest wins), a pause's at once (the visitor may
   * be about to close the page) and marked so that a resume of it starts paused too.
   */
  checkpoint(runId: number, phase: TrainPhase, step: number, bytes: ArrayBuffer, onPause: boolean): void {
    if (runId !== this.runId || this.off) return;
    this.pending = { runId, checkpoint: { phase, step, bytes, onPause } };
    const wait = onPause ? 0 : Math.max(0, this.lastWriteAt + this.minGapMs - this.now());
    if (wait === 0) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.flush();
    } else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, wait);
    }
  }

  private flush(): void {
    const p = this.pending;
    this.pending = null;
    if (!p) return;
    this.lastWriteAt = this.now();
    void this.queue((db) => this.write(db, p));
  }

  private async write(db: ActiveRunDb, p: Pending): Promise<void> {
    const state = this.store.getState();
    const status = runStatus(state.run);
    // The run ended or was replaced while this write waited: nothing of it is stored any more.
    if (state.run.runId !== p.runId || p.runId !== this.runId || (status !== 'running' && status !== 'paused')) return;
    const record = snapshotRun(state.run, p.checkpoint, this.upload, this.now());
    if (!record) return;
    this.askPersistOnce();
    let r = await db.putActive(record);
    if (!r.ok && r.error.kind === 'quota') {
      const evicted = runsToEvict(state.runs.records, bytesToStore(record));
      const titles = evicted.map((e) => e.title);
      if (evicted.length) {
        await this.runs.remove(evicted.map((e) => e.id));
        r = await db.putActive(record);
      }
      if (r.ok) this.dispatch({ type: 'storage', notice: { kind: 'evicted', titles } });
      else if (r.error.kind === 'quota') {
        this.off = true;
        this.dispatch({ type: 'storage', notice: { kind: 'off', evicted: titles } });
        return;
      }
    }
    if (!r.ok) {
      this.dispatch({ type: 'storage', notice: { kind: 'failed', message: r.error.message } });
      return;
    }
    this.ownsSlot = true;
    // What was in the slot (a run on offer, or one that could not be resumed) has just been replaced
    // by this run's checkpoint: what the page said about it no longer holds.
    this.stored = null;
    const { offer, problem } = this.store.getState().stored;
    if (offer || problem) this.dispatch({ type: 'answered' });
  }

  private askPersistOnce(): void {
    if (this.askedPersist) return;
    this.askedPersist = true;
    // Best effort: a browser that says no still stores, it may just evict under pressure.
    this.deps
      .persist?.()
      .then((granted) => {
        if (!granted) console.info('persistent storage was not granted: the browser may evict stored runs');
      })
      .catch(() => {});
  }

  /** The page's run ended (done, reset, replaced): its stored checkpoint is no longer needed. */
  clear(): void {
    this.pending = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.runId = null;
    if (!this.ownsSlot) return;
    this.ownsSlot = false;
    void this.queue(async (db) => {
      const r = await db.deleteActive();
      if (!r.ok) console.warn(`active run store: ${r.error.message}`);
    });
  }

  /** The visitor discarded the offer, or chose to delete a stored run that cannot be resumed. */
  discard(): Promise<void> {
    this.stored = null;
    this.dispatch({ type: 'answered' });
    return this.queue(async (db) => {
      const r = await db.deleteActive();
      if (!r.ok) this.dispatch({ type: 'storage', notice: { kind: 'failed', message: r.error.message } });
    });
  }

  dismissStorage(): void {
    this.dispatch({ type: 'dismissStorage' });
  }

  /** The visitor chose to keep a stored run that cannot be resumed now: left as it is. */
  keep(): void {
    this.dispatch({ type: 'answered' });
  }

  /** The worker refused the checkpoint of the resumed run: said in words; the slot is left until the visitor chooses. */
  refused(message: string): void {
    this.runId = null;
    this.ownsSlot = false;
    this.dispatch({ type: 'problem', problem: { kind: 'refused', message } });
  }

  /** The file the worker accepted last: stored, to be sent again after a reload. */
  saveUpload(upload: StoredUpload): void {
    void this.queue(async (db) => {
      const r = await db.putUpload(upload);
      if (!r.ok) console.warn(`active run store: the upload was not stored: ${r.error.message}`);
    });
  }
}
