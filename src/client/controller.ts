// The UI's one way to talk to the worker: each of the visitor's actions updates the store and sends
// the matching command. Worker events go into the store; exported models are saved as files.

import { validateHyper, type Hyper, type RunConfig } from '../config';
import type { BackendName, ModelRole, WorkerCommand, WorkerEvent } from '../worker/protocol';
import { download } from './download';
import { curvesCsv, metricsCsv, runJson } from './exports';
import { RunsController, type RunsDeps } from './runsController';
import { runStatus } from './state';
import type { Store } from './store';

/** What the controller needs of a Worker (a fake in tests). */
export interface WorkerPort {
  postMessage(cmd: WorkerCommand, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<WorkerEvent>) => void) | null;
}

export class Controller {
  /** The runs table: finished and stopped runs kept in IndexedDB. */
  readonly runs: RunsController;

  constructor(
    readonly store: Store,
    private readonly port: WorkerPort,
    private readonly save: typeof download = download,
    runsDb: RunsDeps['db'] = null,
    runsSync: RunsDeps['sync'] = null,
  ) {
    this.runs = new RunsController(store, { db: runsDb, save, sync: runsSync });
    port.onmessage = (ev) => this.receive(ev.data);
  }

  init(forcedBackend: BackendName | null, assetsBase: string): void {
    this.port.postMessage({ type: 'init', forcedBackend, assetsBase });
    this.port.postMessage({ type: 'setConfig', config: this.store.getState().config });
  }

  private get state() {
    return this.store.getState();
  }

  private receive(e: WorkerEvent): void {
    const before = this.state;
    this.store.dispatch({ type: 'event', event: e });
    switch (e.type) {
      case 'phase':
        // The run just finished: keep it in the runs table.
        if (e.phase === 'done' && e.runId === before.run.runId && before.run.phase !== 'done')
          this.runs.saveCurrentRun();
        break;
      case 'uploaded':
        // The worker has switched to the uploaded task and describes it next: no setConfig round trip.
        // During a run the file is staged instead (the reducer says so): the page keeps the run's task.
        if (!this.state.upload.staged)
          this.store.dispatch({ type: 'config', config: { ...this.state.config, task: e.task } });
        break;
      case 'exported':
        if (e.runId === before.run.runId) {
          const base = `${this.state.config.task}-${e.role}`;
          this.save(`${base}-model.safetensors`, e.safetensors, 'application/octet-stream');
          this.save(`${base}-config.json`, e.configJson, 'application/json');
        }
        break;
      case 'exportedScript':
        if (e.runId === before.run.runId) this.save(e.name, e.zip, 'application/zip');
        break;
      case 'taskInfo':
        // A fresh task: show predictions for its first example unless the visitor chose an input (and
        // not against a run on screen that trains another task: its models would not read the example).
        if (
          e.info &&
          this.state.predictInput === null &&
          e.task === this.state.config.task &&
          e.info.examples.length &&
          (!this.state.run.started || this.state.run.config?.task === e.task)
        ) {
          this.predict(e.info.examples[0]);
        }
        break;
      default:
        break;
    }
  }

  /** New settings. Only hyperparameters reach a run that is under way; the rest apply at the next start. */
  setConfig(config: RunConfig, opts: { teacherExplicit?: boolean } = {}): void {
    const prev = this.state.config;
    this.store.dispatch({ type: 'config', config, teacherExplicit: opts.teacherExplicit });
    this.port.postMessage({ type: 'setConfig', config });
    if (config.hyper !== prev.hyper) this.sendHyper(config.hyper);
  }

  setHyper(hyper: Hyper): void {
    this.store.dispatch({ type: 'hyper', hyper });
    this.sendHyper(hyper);
  }

  private sendHyper(hyper: Hyper): void {
    const s = runStatus(this.state.run);
    if ((s === 'running' || s === 'paused') && validateHyper(hyper).length === 0) {
      this.port.postMessage({ type: 'setHyper', runId: this.state.run.runId, hyper });
    }
  }

  /** A run about to be replaced or reset after some progress is kept as stopped (a finished one is kept already). */
  private keepStoppedRun(): void {
    if (this.state.run.phase !== 'done') this.runs.saveCurrentRun();
  }

  /**
   * Before the page loads another URL (Open in the runs table): a run under way is kept as stopped,
   * and the returned promise waits for the write, which a page unload would cut off.
   */
  async beforeLeaving(): Promise<void> {
    this.keepStoppedRun();
    await this.runs.settled();
  }

  start(paused = false): number {
    this.keepStoppedRun();
    this.applyStagedUpload();
    const runId = this.state.run.runId + 1;
    this.store.dispatch({ type: 'started', runId, paused });
    this.port.postMessage({ type: 'start', runId, config: this.state.config, paused });
    const input = this.state.predictInput;
    if (input !== null) this.port.postMessage({ type: 'predict', runId, input, continuations: true });
    return runId;
  }

  /** A file uploaded during the last run becomes the chosen task now (the worker holds its data already). */
  private applyStagedUpload(): void {
    const staged = this.state.upload.staged;
    if (!staged) return;
    this.setConfig({ ...this.state.config, task: staged.task });
    this.store.dispatch({ type: 'stagedApplied' });
  }

  pause(): void {
    this.port.postMessage({ type: 'pause', runId: this.state.run.runId });
  }

  resume(): void {
    this.port.postMessage({ type: 'resume', runId: this.state.run.runId });
  }

  /** One training step; from idle it starts a paused run first. */
  step(): void {
    const s = runStatus(this.state.run);
    const runId = s === 'running' || s === 'paused' ? this.state.run.runId : this.start(true);
    this.port.postMessage({ type: 'step', runId });
  }

  reset(): void {
    this.keepStoppedRun();
    const runId = this.state.run.runId + 1;
    this.store.dispatch({ type: 'reset', runId });
    this.port.postMessage({ type: 'reset', runId });
  }

  async upload(file: File): Promise<void> {
    this.store.dispatch({ type: 'uploading', name: file.name });
    let bytes: ArrayBuffer;
    try {
      bytes = await file.arrayBuffer();
    } catch (e) {
      this.store.dispatch({
        type: 'event',
        event: { type: 'uploadError', name: file.name, message: `the file could not be read: ${(e as Error).message}` },
      });
      return;
    }
    this.port.postMessage({ type: 'upload', name: file.name, bytes }, [bytes]);
  }

  predict(input: string, continuations = true): void {
    this.store.dispatch({ type: 'predictInput', input });
    this.port.postMessage({ type: 'predict', runId: this.state.run.runId, input, continuations });
  }

  exportModel(role: ModelRole): void {
    this.port.postMessage({ type: 'export', runId: this.state.run.runId, role });
  }

  /** The run as a PyTorch script folder (a .zip): `python kd_train.py run.json`, or torchrun for several GPUs. */
  exportScript(): void {
    this.port.postMessage({ type: 'exportScript', runId: this.state.run.runId });
  }

  exportCurves(format: 'csv' | 'json'): void {
    const { config, run } = this.state;
    const name = `${config.task}-curves.${format}`;
    if (format === 'csv') this.save(name, curvesCsv(run.history), 'text/csv');
    else this.save(name, runJson(config, run, 'curves'), 'application/json');
  }

  exportMetrics(format: 'csv' | 'json'): void {
    const { config, run } = this.state;
    const name = `${config.task}-metrics.${format}`;
    if (format === 'csv') this.save(name, metricsCsv(run.evals), 'text/csv');
    else this.save(name, runJson(config, run, 'metrics'), 'application/json');
  }
}
