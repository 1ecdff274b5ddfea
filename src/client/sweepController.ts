// The Experiments view's one way to talk to the sweep worker, and its store. The worker is created
// at the first Start (a page that never sweeps never loads a second copy of tfjs).

import type { BackendName } from '../worker/protocol';
import type { SweepCommand, SweepEvent } from '../worker/sweepProtocol';
import type { RunConfig } from '../config';
import { validateSweep } from '../sweepConfig';
import type { StoredRecord } from './runRecord';
import { newRecordId } from './runsController';
import {
  initialSweepState,
  sweepConfigFrom,
  sweepReducer,
  type SweepAction,
  type SweepForm,
  type SweepState,
} from './sweepState';
import { sweepToRecord } from './sweepToRecord';

/** What the controller needs of a Worker (a fake in tests). */
export interface SweepPort {
  postMessage(cmd: SweepCommand): void;
  onmessage: ((ev: MessageEvent<SweepEvent>) => void) | null;
}

export class SweepController {
  private state: SweepState;
  private readonly listeners = new Set<() => void>();
  private port: SweepPort | null = null;

  constructor(
    private readonly makePort: () => SweepPort,
    private readonly forcedBackend: BackendName | null,
    private readonly assetsBase: string,
    initial: SweepState = initialSweepState(),
    /** Keeps a finished sweep in the runs table (main.tsx: the page controller's runs.keep). */
    private readonly keep: (record: StoredRecord) => void = () => {},
  ) {
    this.state = initial;
  }

  getState = (): SweepState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispatch(action: SweepAction): void {
    const next = sweepReducer(this.state, action);
    if (next === this.state) return;
    const finished = next.status === 'done' && this.state.status !== 'done';
    this.state = next;
    if (finished && next.config) {
      const record = sweepToRecord(next.config, next.reports, { id: newRecordId(), now: Date.now() });
      if (record) this.keep(record);
    }
    this.listeners.forEach((l) => l());
  }

  private ensurePort(): SweepPort {
    if (!this.port) {
      const port = this.makePort();
      port.onmessage = (ev) => this.dispatch({ type: 'event', event: ev.data });
      port.postMessage({ type: 'sweepInit', forcedBackend: this.forcedBackend, assetsBase: this.assetsBase });
      this.port = port;
    }
    return this.port;
  }

  setForm(form: Partial<SweepForm>): void {
    this.dispatch({ type: 'form', form });
  }

  /** Problems with the sweep the form describes on top of the page's settings (empty: Start may go). */
  problems(run: RunConfig): string[] {
    return validateSweep(sweepConfigFrom(this.state.form, run));
  }

  /** Starts the form's sweep under a fresh id (a sweep under way is replaced); returns the id. */
  start(run: RunConfig): number {
    const config = sweepConfigFrom(this.state.form, run);
    const runId = this.state.runId + 1;
    this.dispatch({ type: 'started', runId, config });
    this.ensurePort().postMessage({ type: 'sweepStart', runId, config });
    return runId;
  }

  stop(): void {
    const runId = this.state.runId;
    this.dispatch({ type: 'stopping', runId });
    this.port?.postMessage({ type: 'sweepStop', runId });
  }
}
