// The runs table's part of the UI state: the records listed from IndexedDB, those skipped as
// corrupt, and the last thing to tell the visitor (saved, or why not). Changed only by reduceRuns,
// which the controller feeds with the results of the store's operations.

import type { DbError, SkippedRecord } from './runsDb';
import type { RunEnd, StoredRecord } from './runRecord';

export type RunsOp = 'load' | 'save' | 'delete';

export type RunsNotice =
  { kind: 'saved'; title: string; end: RunEnd | null } | { kind: 'error'; op: RunsOp; error: DbError };

export interface RunsState {
  /** 'loading' until the database answers; 'unavailable' when the browser gives none (runs are then not kept). */
  status: 'loading' | 'ready' | 'unavailable';
  /** Newest first. */
  records: StoredRecord[];
  skipped: SkippedRecord[];
  notice: RunsNotice | null;
}

export type RunsAction =
  | { type: 'loaded'; records: StoredRecord[]; skipped: SkippedRecord[] }
  | { type: 'unavailable'; error: DbError }
  | { type: 'saved'; record: StoredRecord }
  | { type: 'deleted'; ids: readonly string[] }
  | { type: 'failed'; op: RunsOp; error: DbError }
  | { type: 'dismiss' };

export function initialRuns(): RunsState {
  return { status: 'loading', records: [], skipped: [], notice: null };
}

const newestFirst = (a: StoredRecord, b: StoredRecord) => b.createdAt - a.createdAt;

export function reduceRuns(state: RunsState, action: RunsAction): RunsState {
  switch (action.type) {
    case 'loaded':
      return { ...state, status: 'ready', records: [...action.records].sort(newestFirst), skipped: action.skipped };
    case 'unavailable':
      return { ...state, status: 'unavailable', notice: { kind: 'error', op: 'load', error: action.error } };
    case 'saved': {
      const r = action.record;
      const records = [r, ...state.records.filter((x) => x.id !== r.id)].sort(newestFirst);
      return { ...state, records, notice: { kind: 'saved', title: r.title, end: r.kind === 'run' ? r.end : null } };
    }
    case 'deleted': {
      const gone = new Set(action.ids);
      return { ...state, records: state.records.filter((r) => !gone.has(r.id)), notice: null };
    }
    case 'failed':
      return { ...state, notice: { kind: 'error', op: action.op, error: action.error } };
    case 'dismiss':
      return state.notice ? { ...state, notice: null } : state;
    default: {
      const never: never = action;
      return never;
    }
  }
}
