// The UI's one way to talk to the worker: each of the visitor's actions updates the store and sends
// the matching command. Worker events go into the store; exported models are saved as files.

import { validateHyper, type Hyper, type RunConfig, type TaskId } from '../config';
import type { BackendName, ModelRole, RunFault, TrainPhase, WorkerCommand, WorkerEvent } from '../worker/protocol';
import { ActiveRunKeeper, type KeeperDeps } from './activeRunKeeper';
import { configOfRecord, type StoredUpload } from './activeRunRecord';
import { restoreRun, rollBackRun, type StepAt } from './activeRunSnapshot';
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

const isCustom = (task: TaskId) => task === 'custom-text' || task === 'custom-csv';

export class Controller {
  /** The runs table: finished and stopped runs kept in IndexedDB. */
  readonly runs: RunsController;
  /** The run under way, kept with its latest checkpoint so a reload can resume it (issue 11). */
  readonly keeper: ActiveRunKeeper;
  /** A file sent to the worker and not yet answered (a copy: the sent bytes are transferred). */
  private uploading: StoredUpload | null = null;
  /** The file the worker holds as the custom task's data (sent again after a reload, stored with a run). */
  private accepted: StoredUpload | null = null;
  /** A file sent again by the page itself (after a reload, or for a resumed run): it changes no setting. */
  private quietUpload: string | null = null;
  /** The run resumed from a stored checkpoint, until the worker shows it took it (its first points). */
  private resuming: number | null = null;
  /** Checkpoints of the run on screen, latest last: a fault names a step, this says of which phase. */
  private checkpoints: StepAt[] = [];

  constructor(
    readonly store: Store,
    private readonly port: WorkerPort,
    private readonly save: typeof download = download,
    runsDb: RunsDeps['db'] = null,
    runsSync: RunsDeps['sync'] = null,
    keeperDeps: KeeperDeps = { db: null },
  ) {
    this.runs = new RunsController(store, { db: runsDb, save, sync: runsSync });
    this.keeper = new ActiveRunKeeper(store, this.runs, keeperDeps);
    port.onmessage = (ev) => this.receive(ev.data);
    // The file of an earlier visit comes back, so custom data survives a reload.
    void this.keeper.storedUpload.then((upload) => {
      if (upload && !this.uploading && !this.accepted) this.sendUpload(upload, true);
    });
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
        // The run just finished: keep it in the runs table; its checkpoint is no longer needed.
        if (e.phase === 'done' && e.runId === before.run.runId && before.run.phase !== 'done') {
          this.runs.saveCurrentRun();
          this.keeper.clear();
        }
        break;
      case 'checkpoint':
        if (e.runId === before.run.runId) {
          this.checkpoints = [...this.checkpoints.slice(-49), { phase: e.phase, step: e.step }];
          this.keeper.checkpoint(e.runId, e.phase, e.step, e.bytes, e.reason === 'pause');
        }
        break;
      case 'fault':
        if (e.runId === before.run.runId) this.rollBack(e.fault);
        break;
      case 'points':
        if (e.runId === this.resuming) this.resuming = null; // the worker took the checkpoint
        break;
      case 'error':
        // The worker could not continue from the stored checkpoint: the visitor chooses what becomes of it.
        if (e.runId === this.resuming && e.runId === before.run.runId) {
          this.resuming = null;
          this.keeper.refused(e.message);
        }
        break;
      case 'uploaded': {
        const quiet = this.quietUpload === e.name;
        if (this.uploading?.name === e.name) {
          this.accepted = this.uploading;
          this.uploading = null;
          if (!quiet) this.keeper.saveUpload(this.accepted);
        }
        if (quiet) {
          // Sent again by the page itself: it changes no setting and stages nothing.
          this.quietUpload = null;
          if (!before.upload.staged) this.store.dispatch({ type: 'stagedApplied' });
          break;
        }
        // The worker has switched to the uploaded task and describes it next: no setConfig round trip.
        // During a run the file is staged instead (the reducer says so): the page keeps the run's task.
        if (!this.state.upload.staged)
          this.store.dispatch({ type: 'config', config: { ...this.state.config, task: e.task } });
        break;
      }
      case 'uploadError':
        if (this.uploading?.name === e.name) this.uploading = null;
        if (this.quietUpload === e.name) this.quietUpload = null;
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
    const config = this.state.config;
    this.keeper.startRun(runId, isCustom(config.task) ? this.accepted : null, false);
    this.resuming = null;
    this.checkpoints = [];
    this.port.postMessage({ type: 'start', runId, config, paused });
    const input = this.state.predictInput;
    if (input !== null) this.port.postMessage({ type: 'predict', runId, input, continuations: true });
    return runId;
  }

  /**
   * The worker put the run back to a checkpoint (or its start) after a fault: the steps after it
   * will be streamed again, so the curves drop them now instead of drawing them twice.
   */
  private rollBack(fault: RunFault): void {
    const run = this.state.run;
    const current: TrainPhase = run.distillStep > 0 || run.phase === 'distill' ? 'distill' : 'teacher';
    // Of the checkpoints posted, the latest at `step`, in `phase` if there is one there.
    const at = (step: number, phase: TrainPhase): StepAt => {
      const seen = this.checkpoints.filter((c) => c.step === step);
      return seen.filter((c) => c.phase === phase).at(-1) ?? seen.at(-1) ?? { phase, step };
    };
    let to: StepAt | null;
    switch (fault.kind) {
      case 'divergence':
        to = fault.rolledBackTo === null ? null : at(fault.rolledBackTo, fault.phase);
        break;
      case 'deviceLost':
        if (fault.to === null) return; // nothing continues: the run stays as it was
        to = fault.resumedFrom === null ? null : at(fault.resumedFrom, current);
        break;
      default: {
        const never: never = fault;
        throw new Error(`unknown fault ${JSON.stringify(never)}`);
      }
    }
    this.store.dispatch({ type: 'restored', run: rollBackRun(run, to) });
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
    this.keeper.clear();
    this.resuming = null;
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
    this.sendUpload({ name: file.name, bytes }, false);
  }

  /** Sends a file to the worker, keeping a copy (the sent bytes are transferred) to store once accepted. */
  private sendUpload(upload: StoredUpload, quiet: boolean): void {
    this.uploading = { name: upload.name, bytes: upload.bytes.slice(0) };
    if (quiet) this.quietUpload = upload.name;
    const bytes = upload.bytes.slice(0);
    this.port.postMessage({ type: 'upload', name: upload.name, bytes }, [bytes]);
  }

  /**
   * Resumes the run saved before the page was reloaded: its file goes back to the worker, its
   * settings become the page's, its curves up to the checkpoint are drawn again, and the worker
   * continues from the checkpoint's bytes (a 'start' with `resume`).
   */
  resumeStored(): void {
    const record = this.keeper.takeOffered();
    if (!record) return;
    const config = configOfRecord(record.url);
    if (!config.ok) return; // parsed at load: cannot happen
    this.keepStoppedRun();
    if (record.upload) this.sendUpload(record.upload, true);
    this.setConfig(config.value, { teacherExplicit: true });
    const runId = this.state.run.runId + 1;
    this.store.dispatch({ type: 'restored', run: restoreRun(record, runId, config.value) });
    const cp = record.checkpoint;
    this.store.dispatch({ type: 'stored', action: { type: 'resumed', phase: cp.phase, step: cp.step } });
    this.keeper.startRun(runId, record.upload, true);
    this.resuming = runId;
    this.checkpoints = [{ phase: cp.phase, step: cp.step }];
    const resume = cp.bytes.slice(0);
    // Saved on pause, it comes back paused: the visitor had stopped it there.
    this.port.postMessage({ type: 'start', runId, config: config.value, paused: record.paused, resume }, [resume]);
  }

  dismissFault(): void {
    this.store.dispatch({ type: 'dismissFault' });
  }

  /** Deletes the saved run on offer, or one that cannot be resumed. */
  discardStored(): Promise<void> {
    return this.keeper.discard();
  }

  /** Leaves a saved run that cannot be resumed in storage. */
  keepStored(): void {
    this.keeper.keep();
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
