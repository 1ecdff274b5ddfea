// The grammar lab panel's one way to talk to its worker (src/worker/labWorker.ts), and its state.
// The worker is created at the first Run: a page that never opens the lab never loads another tfjs.
// Events of any run but the current one are dropped (a stopped or replaced run's late messages).

import {
  DEFAULT_LAB_REQUEST,
  type LabCommand,
  type LabEvent,
  type LabPhase,
  type LabRequest,
  type LabRow,
  type LabRowKind,
} from '../worker/labProtocol';
import type { BackendName } from '../worker/protocol';

/** What the controller needs of a Worker (a fake in tests). */
export interface LabPort {
  postMessage(cmd: LabCommand): void;
  onmessage: ((ev: MessageEvent<LabEvent>) => void) | null;
}

export type LabStatus = 'idle' | 'running' | 'done' | 'stopped' | 'error';

export interface LabState {
  status: LabStatus;
  runId: number;
  /** The panel's choices for the next run. */
  request: LabRequest;
  /** The request of the run shown (running or finished). */
  ran: LabRequest | null;
  progress: { phase: LabPhase; kind: LabRowKind | null; step: number; steps: number } | null;
  rows: LabRow[] | null;
  backend: string | null;
  error: string | null;
}

export const initialLabState = (): LabState => ({
  status: 'idle',
  runId: 0,
  request: DEFAULT_LAB_REQUEST,
  ran: null,
  progress: null,
  rows: null,
  backend: null,
  error: null,
});

/** The state after a worker event (events of another run leave it unchanged). */
export function labReducer(s: LabState, e: LabEvent): LabState {
  if (e.type === 'labBackend') return { ...s, backend: e.info.name };
  if (e.runId !== s.runId) return s;
  switch (e.type) {
    case 'labProgress':
      return s.status === 'running'
        ? { ...s, progress: { phase: e.phase, kind: e.kind, step: e.step, steps: e.steps } }
        : s;
    case 'labReport':
      return { ...s, status: 'done', rows: e.rows, backend: e.backend, progress: null };
    case 'labError':
      return { ...s, status: 'error', error: e.message, progress: null };
    case 'labStopped':
      return s.status === 'running' ? { ...s, status: 'stopped', progress: null } : s;
    default: {
      const never: never = e;
      throw new Error(`unknown lab event ${JSON.stringify(never)}`);
    }
  }
}

export class LabController {
  private state: LabState = initialLabState();
  private readonly listeners = new Set<() => void>();
  private port: LabPort | null = null;

  constructor(
    private readonly makePort: () => LabPort,
    private readonly forcedBackend: BackendName | null,
    private readonly assetsBase: string,
  ) {}

  getState = (): LabState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(next: LabState): void {
    if (next === this.state) return;
    this.state = next;
    this.listeners.forEach((l) => l());
  }

  private ensurePort(): LabPort {
    if (!this.port) {
      const port = this.makePort();
      port.onmessage = (ev) => this.set(labReducer(this.state, ev.data));
      port.postMessage({ type: 'labInit', forcedBackend: this.forcedBackend, assetsBase: this.assetsBase });
      this.port = port;
    }
    return this.port;
  }

  setRequest(r: Partial<LabRequest>): void {
    this.set({ ...this.state, request: { ...this.state.request, ...r } });
  }

  /** Starts a run of the current request under a fresh id (one under way is replaced); returns the id. */
  start(): number {
    const runId = this.state.runId + 1;
    const request = this.state.request;
    this.set({ ...this.state, status: 'running', runId, ran: request, progress: null, rows: null, error: null });
    this.ensurePort().postMessage({ type: 'labStart', runId, request });
    return runId;
  }

  stop(): void {
    if (this.state.status !== 'running') return;
    this.port?.postMessage({ type: 'labStop', runId: this.state.runId });
  }
}
