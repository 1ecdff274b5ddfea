// The active-run slot's part of the UI state (issue 11): the offer to resume a run saved before the
// page was reloaded, what is wrong with a saved run that cannot be resumed, and the last word about
// storage (old runs evicted to make room, checkpoints off). Changed only by reduceStoredRun, which
// the keeper (activeRunKeeper.ts) feeds.

import type { TrainPhase } from '../worker/protocol';

/** A saved, readable run that can be resumed. */
export interface ResumeOffer {
  phase: TrainPhase;
  step: number;
  /** Milliseconds since the epoch of its last checkpoint. */
  savedAt: number;
}

/** A saved run that cannot be resumed: unreadable in storage, or refused by the worker. */
export type StoredRunProblem = { kind: 'unreadable'; reason: string } | { kind: 'refused'; message: string };

export type StorageNotice =
  /** Storage was full: these kept runs (titles, oldest first) were deleted, and the checkpoint saved. */
  | { kind: 'evicted'; titles: string[] }
  /** Still full (or nothing left to evict): this run's checkpoints are off; training goes on. */
  | { kind: 'off'; evicted: string[] }
  /** Another failure writing a checkpoint (the browser's words). */
  | { kind: 'failed'; message: string };

export interface StoredRunState {
  offer: ResumeOffer | null;
  problem: StoredRunProblem | null;
  storage: StorageNotice | null;
  /** Set when the run on screen was resumed from a checkpoint (said once, in the run controls). */
  resumedFrom: { phase: TrainPhase; step: number } | null;
}

export type StoredRunAction =
  | { type: 'offer'; offer: ResumeOffer }
  | { type: 'problem'; problem: StoredRunProblem }
  /** The visitor answered (resume, discard, delete or keep): the offer or problem goes away. */
  | { type: 'answered' }
  | { type: 'resumed'; phase: TrainPhase; step: number }
  | { type: 'storage'; notice: StorageNotice }
  | { type: 'dismissStorage' };

export function initialStoredRun(): StoredRunState {
  return { offer: null, problem: null, storage: null, resumedFrom: null };
}

export function reduceStoredRun(state: StoredRunState, action: StoredRunAction): StoredRunState {
  switch (action.type) {
    case 'offer':
      return { ...state, offer: action.offer, problem: null };
    case 'problem':
      return { ...state, offer: null, problem: action.problem };
    case 'answered':
      return state.offer || state.problem ? { ...state, offer: null, problem: null } : state;
    case 'resumed':
      return { ...state, offer: null, problem: null, resumedFrom: { phase: action.phase, step: action.step } };
    case 'storage':
      return { ...state, storage: action.notice };
    case 'dismissStorage':
      return state.storage ? { ...state, storage: null } : state;
    default: {
      const never: never = action;
      return never;
    }
  }
}
