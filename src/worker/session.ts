// The worker's logic, driven by an injected `post`, so that tests run it in Node on the cpu backend
// exactly as the Web Worker runs it in the browser. It owns at most one run (a DistillationRun with
// its task and models), steers it through RunControl (pause gate, single step, live
// hyperparameters, stop) and turns its callbacks into protocol events tagged with the run's id.

import { DEFAULT_CONFIG, taskOptions, validateConfig, validateHyper, type RunConfig, type TaskId } from '../config';
import { buildTask, customDataFromFile, type CustomData } from '../data';
import type { Task } from '../data/task';
import { estimateMemory, memoryProblem, taskShape, type MemoryLimits } from '../memory';
import { importModel } from '../model/export';
import { currentMemoryLimits } from '../train/memoryLimits';
import type { GPT } from '../model/gpt';
import { DistillationRun, type RunCallbacks } from '../train/run';
import { ActiveRun } from './activeRun';
import type { BackendInfo, BackendName, LossPoint, ShippedTeacher, WorkerCommand, WorkerEvent } from './protocol';
import { AUTO_TEACHER_STEPS, noShippedTeacherMessage, shippedTeacherFits } from './protocol';
import { Predictor } from './predict';
import { exportRole } from './exportModel';
import { exportScriptZip } from './exportScript';
import { probeShippedTeacher, teacherPath, type AssetLoader } from './teachers';
import { releaseGpuBufferPool } from './gpuPool';
import { checkpointProblem, decodeRunCheckpoint, firstNonFinite, type RunCheckpoint } from '../train/checkpoint';
import { DivergedError } from '../train/diverged';
import { resumeRun } from '../train/resume';
import {
  deviceLostFault,
  divergenceFault,
  forgetWebGPUBackend,
  isDeviceLossError,
  watchWebGPUDeviceLoss,
} from './faults';

/**
 * How often the run reads its losses back and posts them (ms). Each flush is a GPU readback in the
 * worker and a chart redraw in the page; 4 per second keeps the curves live and both costs small.
 */
const FLUSH_MS = 250;
/** Minimum gap between automatic prediction refreshes while training (ms). */
const PREDICT_EVERY_MS = 2000;

export interface SessionDeps {
  post(event: WorkerEvent, transfer?: Transferable[]): void;
  chooseBackend(forced: BackendName | null): Promise<BackendInfo>;
  /** Files under the app's base URL (shipped teachers); null when absent. */
  loadAsset: AssetLoader;
  /** How often the run reads its losses back and reports them (ms). */
  flushMs?: number;
  /** Minimum time between automatic prediction refreshes while training (ms). */
  predictEveryMs?: number;
  /** What the backend can hold (default: the backend in use, see src/memory.ts); a run that does not fit is refused. */
  memoryLimits?(): MemoryLimits;
  /** A working backend after `lost`'s device was lost (default: chooseBackend again, WebGPU re-created). */
  recoverBackend?(lost: BackendName, forced: BackendName | null): Promise<BackendInfo>;
  /** Calls onLost when the device of the backend now in use is lost; returns an unsubscribe (default: WebGPU's device.lost). */
  watchDeviceLoss?(onLost: (reason: string) => void): () => void;
  /** Steps between checkpoints (default CHECKPOINT_EVERY). */
  checkpointEvery?: number;
}

export class Session {
  private config: RunConfig | null = null;
  private assetsBase = '';
  private readonly custom: CustomData & { version: number } = { version: 0 };
  private taskCache: { key: string; task: Task } | null = null;
  private readonly shipped = new Map<TaskId, { info: ShippedTeacher; configJson: string | null }>();
  private active: ActiveRun | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly predictor: Predictor;
  private forcedBackend: BackendName | null = null;
  private backendName: BackendName | null = null;
  private unwatchDevice: () => void = () => {};

  constructor(private readonly deps: SessionDeps) {
    this.predictor = new Predictor(deps.post, deps.predictEveryMs ?? PREDICT_EVERY_MS);
  }

  /** The run now owned (tests look inside). */
  get current(): ActiveRun | null {
    return this.active;
  }

  /** Handles one command; resolves when it has been applied (a start resolves once the run is under way). */
  handle(cmd: WorkerCommand): Promise<void> {
    switch (cmd.type) {
      case 'predict':
        return this.predictor.request(this.runFor(cmd.runId), cmd.input, cmd.continuations);
      case 'export':
        return this.exportModel(cmd.runId, cmd.role);
      case 'exportScript':
        return this.exportScript(cmd.runId);
      case 'init':
      case 'setConfig':
      case 'start':
      case 'pause':
      case 'resume':
      case 'step':
      case 'reset':
      case 'setHyper':
      case 'upload':
        return this.enqueue(() => this.apply(cmd));
      default: {
        const never: never = cmd;
        throw new Error(`unknown command ${JSON.stringify(never)}`);
      }
    }
  }

  /** Commands that change what runs are applied one at a time, in order. */
  private enqueue(f: () => Promise<void>): Promise<void> {
    const next = this.queue.then(f, f);
    this.queue = next.catch(() => {});
    return next;
  }

  private async apply(cmd: Exclude<WorkerCommand, { type: 'predict' | 'export' | 'exportScript' }>): Promise<void> {
    switch (cmd.type) {
      case 'init': {
        this.assetsBase = cmd.assetsBase;
        this.forcedBackend = cmd.forcedBackend;
        this.useBackend(await this.deps.chooseBackend(cmd.forcedBackend));
        return;
      }
      case 'setConfig':
        this.config = cmd.config;
        await this.describeTask(cmd.config);
        return;
      case 'start':
        await this.start(cmd.runId, cmd.config, cmd.paused, cmd.resume);
        return;
      case 'pause':
      case 'resume': {
        const a = this.runFor(cmd.runId);
        a?.setPaused(cmd.type === 'pause');
        if (a && cmd.type === 'pause') this.predictor.maybeMeasureLatency(a);
        return;
      }
      case 'step':
        this.runFor(cmd.runId)?.stepOnce();
        return;
      case 'setHyper': {
        const a = this.runFor(cmd.runId);
        if (a && validateHyper(cmd.hyper).length === 0) a.hyper = { ...cmd.hyper };
        return;
      }
      case 'reset':
        await this.stopActive();
        this.deps.post({ type: 'resetDone', runId: cmd.runId });
        return;
      case 'upload':
        await this.upload(cmd.name, new Uint8Array(cmd.bytes));
        return;
      default: {
        const never: never = cmd;
        throw new Error(`unknown command ${JSON.stringify(never)}`);
      }
    }
  }

  private runFor(runId: number): ActiveRun | null {
    return this.active && this.active.runId === runId ? this.active : null;
  }

  /** Reports the backend now in use and watches its device. */
  private useBackend(info: BackendInfo): void {
    this.backendName = info.name;
    this.deps.post({ type: 'backend', info });
    this.unwatchDevice();
    const watch = this.deps.watchDeviceLoss ?? watchWebGPUDeviceLoss;
    this.unwatchDevice = watch((reason) => {
      const a = this.active;
      // Without a run there is nothing to resume, but the next run needs a live backend.
      void this.enqueue(async () => {
        if (a) await this.recoverDevice(a, reason);
        else await this.backendAfterLoss();
      });
    });
  }

  private async stopActive(): Promise<void> {
    const a = this.active;
    this.active = null;
    if (a) await a.stop();
    // Nothing of the old run is in use now: free the GPU buffers tfjs pooled for its shapes.
    releaseGpuBufferPool();
  }

  // ----------------------------------------------------------------------------------------------
  // Tasks, uploads and shipped teachers

  /** What a task depends on. Datasets are fixed (DATASET_SEED): the run seed sets initialisation and batch order only. */
  private taskKey(c: RunConfig): string {
    return [c.task, c.labelled, c.transfer, this.custom.version].join('|');
  }

  private taskFor(c: RunConfig): Task {
    const key = this.taskKey(c);
    if (this.taskCache?.key === key) return this.taskCache.task;
    const task = buildTask(c.task, taskOptions(c), this.custom);
    this.taskCache = { key, task };
    return task;
  }

  private async describeTask(c: RunConfig): Promise<void> {
    let task: Task;
    try {
      task = this.taskFor(c);
    } catch (e) {
      this.deps.post({ type: 'taskInfo', task: c.task, info: null, error: (e as Error).message });
      return;
    }
    this.deps.post({
      type: 'taskInfo',
      task: c.task,
      error: null,
      info: {
        id: task.id,
        title: task.title,
        description: task.description,
        kind: task.kind,
        vocabSize: task.vocab.length,
        seqLen: task.seqLen,
        classes: task.classes ? task.classes.map((k) => k.name) : null,
        examples: [...task.examples],
        knowsTruth: task.val.trueNext !== undefined || task.trueNextAfter !== undefined,
        teacherRows: task.teacherTrain.count,
        labelledRows: Math.min(c.labelled, task.train.count),
        transferRows: Math.max(0, task.train.count - c.labelled),
      },
    });
    this.deps.post({ type: 'shippedTeacher', info: (await this.shippedFor(task)).info });
  }

  private async shippedFor(task: Task): Promise<{ info: ShippedTeacher; configJson: string | null }> {
    const cached = this.shipped.get(task.id);
    if (cached && task.id !== 'custom-text' && task.id !== 'custom-csv') return cached;
    const probed = await probeShippedTeacher(task, (p) => this.deps.loadAsset(this.assetsBase + p));
    this.shipped.set(task.id, probed);
    return probed;
  }

  /**
   * An uploaded file becomes the custom task's data and the chosen task: parsed once here (building
   * the task validates everything, with line numbers for CSV), kept as the task in use, and described
   * (taskInfo, shippedTeacher) right after 'uploaded', so the client need not send the config back.
   */
  private async upload(name: string, bytes: Uint8Array): Promise<void> {
    let config: RunConfig;
    try {
      const file = customDataFromFile(name, bytes);
      config = { ...(this.config ?? DEFAULT_CONFIG), task: file.task };
      const task = buildTask(file.task, taskOptions(config), file.data);
      Object.assign(this.custom, file.data);
      this.custom.version++;
      this.config = config;
      this.taskCache = { key: this.taskKey(config), task };
      const what = task.classes ? `${task.classes.length} classes` : `${task.vocab.length} distinct tokens`;
      const rows = task.teacherTrain.count + task.val.count + task.test.count;
      this.deps.post({
        type: 'uploaded',
        task: file.task,
        name,
        summary: `${rows.toLocaleString('en-US')} examples, ${what}`,
      });
    } catch (e) {
      this.deps.post({ type: 'uploadError', name, message: (e as Error).message });
      return;
    }
    await this.describeTask(config);
  }

  // ----------------------------------------------------------------------------------------------
  // Runs

  /**
   * A run, in order: validate the settings → build the task → get the teacher → make the run → drive it.
   * With `resume` (a checkpoint's bytes) the checkpoint's config, teacher and state are used instead.
   */
  private async start(runId: number, requested: RunConfig, paused: boolean, resume?: ArrayBuffer): Promise<void> {
    await this.stopActive();
    const fail = (message: string) => {
      this.deps.post({ type: 'error', runId, message });
      this.deps.post({ type: 'phase', runId, phase: 'error', detail: message, totalSteps: 0 });
    };
    let checkpoint: RunCheckpoint | null = null;
    if (resume) {
      try {
        checkpoint = decodeRunCheckpoint(resume);
      } catch (e) {
        return fail(`cannot resume: ${(e as Error).message}`);
      }
      // The worker never keeps such a checkpoint (the checkpointer raises a divergence instead), so
      // these bytes were damaged with a valid checksum: resuming would diverge at once, and the
      // rollback would go back to the same bytes, again and again.
      const bad = firstNonFinite(checkpoint);
      if (bad) return fail(`cannot resume: the checkpoint holds a value that is not finite (${bad})`);
    }
    const config = checkpoint?.meta.config ?? requested;
    this.config = config;
    const problems = validateConfig(config);
    if (problems.length) return fail(`the settings are not valid: ${problems.join('; ')}`);

    let task: Task;
    try {
      task = this.taskFor(config);
    } catch (e) {
      return fail((e as Error).message);
    }
    const mismatch = checkpoint && checkpointProblem(checkpoint, task);
    if (mismatch) return fail(`cannot resume: ${mismatch}`);
    const a = new ActiveRun(runId, config, task, paused, this.deps.post, this.deps.checkpointEvery);
    this.active = a;
    a.setPhase('loading', `preparing ${task.title}`);
    if (paused) this.deps.post({ type: 'paused', runId, paused: true });

    let teacher: GPT | undefined;
    let effective: RunConfig;
    try {
      // A checkpoint holds its teacher (and its effective config).
      ({ teacher, config: effective } = checkpoint ? { config } : await this.teacherFor(a, config));
    } catch (e) {
      this.active = null;
      return fail(`loading the shipped teacher failed: ${(e as Error).message}`);
    }
    if (a.stopped) {
      teacher?.dispose();
      return;
    }
    // Refused before the models and the teacher cache are allocated, rather than failing (wasm:
    // Aborted(); a GPU: a lost device) deep into the run.
    const memory = memoryProblem(
      estimateMemory(effective, taskShape(task)),
      (this.deps.memoryLimits ?? currentMemoryLimits)(),
    );
    if (memory) {
      teacher?.dispose();
      this.active = null;
      return fail(memory);
    }

    let run: DistillationRun;
    if (checkpoint) {
      try {
        run = resumeRun(task, checkpoint, a.control, this.callbacksFor(a, effective), this.deps.flushMs ?? FLUSH_MS);
      } catch (e) {
        this.active = null;
        return fail(`cannot resume: ${(e as Error).message}`);
      }
      a.hyper = { ...checkpoint.meta.hyper };
      const { phase, taken } = checkpoint.meta;
      a.checkpoints.latest = { phase, step: taken[phase], bytes: resume! };
    } else {
      run = this.newRun(a, effective, teacher);
    }
    a.run = run;
    a.loop = this.drive(a, run, effective);
  }

  /**
   * The run's teacher: with teacherSteps 0, the shipped one when it fits the task and size; otherwise
   * none (it is trained), with AUTO_TEACHER_STEPS steps when a shipped one was asked for but does not
   * fit (the notice says so). Returns the config the run actually uses.
   */
  private async teacherFor(a: ActiveRun, config: RunConfig): Promise<{ teacher?: GPT; config: RunConfig }> {
    if (config.teacherSteps !== 0) return { config };
    const shipped = await this.shippedFor(a.task);
    if (shippedTeacherFits(shipped.info, config) && shipped.configJson) {
      const weights = await this.deps.loadAsset(this.assetsBase + teacherPath(a.task.id, 'model.safetensors'));
      if (!weights) throw new Error('the shipped teacher has a config.json but no model.safetensors');
      return { teacher: importModel(weights, shipped.configJson, false).model, config };
    }
    const message = `${noShippedTeacherMessage(shipped.info, config)}: training a teacher for ${AUTO_TEACHER_STEPS} steps first`;
    this.deps.post({ type: 'notice', runId: a.runId, message, teacherSteps: AUTO_TEACHER_STEPS });
    return { config: { ...config, teacherSteps: AUTO_TEACHER_STEPS } };
  }

  /** The run, its callbacks turned into protocol events of `a`. */
  private newRun(a: ActiveRun, config: RunConfig, teacher: GPT | undefined): DistillationRun {
    return new DistillationRun(
      a.task,
      config,
      a.control,
      this.callbacksFor(a, config),
      teacher,
      this.deps.flushMs ?? FLUSH_MS,
    );
  }

  /** A run's callbacks turned into protocol events of `a`. */
  private callbacksFor(a: ActiveRun, config: RunConfig): RunCallbacks {
    const runId = a.runId;
    const callbacks: RunCallbacks = {
      onPoints: (points) => this.onPoints(a, points),
      onEval: (report) => {
        this.deps.post({ type: 'eval', runId, report });
        a.speed.clear(); // steps/s measures training steps, not evaluations
        this.predictor.refresh(a, true);
        if (report.phase === 'distill') this.predictor.maybeMeasureLatency(a);
      },
      onCacheProgress: (done, total) => {
        if (!a.stopped) this.deps.post({ type: 'cacheProgress', runId, done, total });
      },
      onPhase: (phase, detail) => {
        if (a.stopped) return;
        if (phase === 'done') return; // the session reports done after the test evaluation
        const total = phase === 'teacher' ? config.teacherSteps : phase === 'distill' ? config.steps : 0;
        a.speed.clear();
        a.setPhase(phase, detail, total);
        this.predictor.refresh(a, true);
      },
    };
    return callbacks;
  }

  /** Drives the run to its end, rolling back to the last good checkpoint each time it diverges. */
  private async drive(a: ActiveRun, run: DistillationRun, config: RunConfig): Promise<void> {
    for (;;) {
      try {
        await this.runToEnd(a, run, config);
        return;
      } catch (e) {
        if (a.stopped) return;
        if (e instanceof DivergedError) {
          const next = this.rollBack(a, run, config, e);
          if (next) {
            run = next;
            continue;
          }
        } else if (isDeviceLossError(e) && this.backendName) {
          void this.enqueue(() => this.recoverDevice(a, (e as Error).message));
          return;
        }
        const message = (e as Error).message || String(e);
        this.deps.post({ type: 'error', runId: a.runId, message });
        a.setPhase('error', message);
        return;
      }
    }
  }

  /**
   * After a divergence: the run put back to its last good checkpoint (or step 0 when there is none
   * and the teacher can be trained again), paused, and a fault that says what happened and what to
   * try. Returns the run to drive on, or null when it cannot go on.
   */
  private rollBack(a: ActiveRun, run: DistillationRun, config: RunConfig, e: DivergedError): DistillationRun | null {
    run.dispose();
    a.run = null;
    const kept = a.checkpoints.latest;
    if (!kept && config.teacherSteps === 0) return null; // the shipped teacher is gone with the run
    const flushMs = this.deps.flushMs ?? FLUSH_MS;
    const next = kept
      ? resumeRun(a.task, decodeRunCheckpoint(kept.bytes), a.control, this.callbacksFor(a, config), flushMs)
      : this.newRun(a, config, undefined);
    a.run = next;
    a.credits = 0;
    if (!a.paused) a.setPaused(true);
    this.deps.post({ type: 'fault', runId: a.runId, fault: divergenceFault(e, kept, a.hyper) });
    return next;
  }

  /**
   * After the device was lost (its `lost` promise, or an error of a lost device): the run is
   * abandoned where it is (its loop may wait forever on the dead device), a backend is chosen again
   * (a new WebGPU device first) and the run restarts from its last checkpoint, which is plain bytes.
   */
  private async recoverDevice(a: ActiveRun, reason: string): Promise<void> {
    if (this.active !== a || a.stopped) return; // already recovered (the promise and an error both came)
    const from = this.backendName ?? 'webgpu';
    const kept = a.checkpoints.latest;
    this.active = null;
    void a.stop().catch(() => {}); // frees what it can of the dead device's tensors, whenever its loop ends
    const info = await this.backendAfterLoss();
    const resumedFrom = info && kept ? { phase: kept.phase, step: kept.step } : null;
    this.deps.post({
      type: 'fault',
      runId: a.runId,
      fault: deviceLostFault(from, info?.name ?? null, resumedFrom, reason),
    });
    if (!info) {
      this.deps.post({ type: 'phase', runId: a.runId, phase: 'error', detail: reason, totalSteps: 0 });
      return;
    }
    await this.start(a.runId, a.config, a.paused, kept?.bytes);
    const resumed = this.active as ActiveRun | null; // set by start()
    if (resumed) resumed.hyper = { ...a.hyper };
  }

  /**
   * The backend chosen again after the device was lost (with a fresh WebGPU backend, a new adapter
   * and device, when WebGPU was lost), reported and watched; null when none starts.
   */
  private async backendAfterLoss(): Promise<BackendInfo | null> {
    const lost = this.backendName ?? 'webgpu';
    const choose =
      this.deps.recoverBackend ??
      ((name: BackendName, forced: BackendName | null) => {
        if (name === 'webgpu') forgetWebGPUBackend();
        return this.deps.chooseBackend(forced);
      });
    try {
      const info = await choose(lost, this.forcedBackend);
      this.useBackend(info);
      return info;
    } catch {
      return null;
    }
  }

  /** Teacher (unless loaded or resumed past it), distillation, the test evaluation. */
  private async runToEnd(a: ActiveRun, run: DistillationRun, config: RunConfig): Promise<void> {
    if (config.teacherSteps > 0) await run.trainTeacher();
    if (a.stopped) return;
    await run.distill();
    if (a.stopped) return;
    a.setPhase('testing', 'scoring teacher, student and baseline on the test split');
    const report = await run.evaluateStudents('test');
    if (a.stopped) return;
    this.deps.post({ type: 'eval', runId: a.runId, report });
    a.setPhase('done', `finished ${run.distillStep} distillation steps`);
    this.predictor.refresh(a, true);
    void this.predictor.measureLatency(a);
  }

  private onPoints(a: ActiveRun, points: LossPoint[]): void {
    if (!points.length) return;
    const last = points[points.length - 1];
    a.speed.record(performance.now(), last.step);
    const sps = a.speed.stepsPerSec();
    const tokensPerStep = a.hyper.batchSize * a.task.seqLen;
    this.deps.post({
      type: 'points',
      runId: a.runId,
      points,
      speed: sps === null ? null : { phase: last.phase, stepsPerSec: sps, tokensPerSec: sps * tokensPerStep },
    });
    this.predictor.refresh(a, false);
  }

  private async exportModel(runId: number, role: 'teacher' | 'student' | 'baseline'): Promise<void> {
    const a = this.runFor(runId);
    try {
      if (!a?.run) throw new Error('start a run first: there is nothing to export yet');
      const out = await exportRole(a.run, role);
      if (a.stopped) return;
      const buffer = out.safetensors.slice().buffer as ArrayBuffer;
      this.deps.post({ type: 'exported', runId, role, safetensors: buffer, configJson: out.configJson }, [buffer]);
    } catch (e) {
      if (a?.stopped) return;
      this.deps.post({ type: 'error', runId, message: `export failed: ${(e as Error).message}` });
    }
  }

  private async exportScript(runId: number): Promise<void> {
    const a = this.runFor(runId);
    try {
      if (!a?.run) throw new Error('start a run first: there is nothing to export yet');
      const { name, zip } = await exportScriptZip(a.run, a.hyper);
      if (a.stopped) return;
      const buffer = zip.slice().buffer as ArrayBuffer;
      this.deps.post({ type: 'exportedScript', runId, name, zip: buffer }, [buffer]);
    } catch (e) {
      if (a?.stopped) return;
      this.deps.post({ type: 'error', runId, message: `script export failed: ${(e as Error).message}` });
    }
  }

  /** Ends everything (tests). */
  async dispose(): Promise<void> {
    await this.stopActive();
  }
}
