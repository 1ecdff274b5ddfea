// The sweep worker's logic, driven by an injected `post` so tests run it in Node on the cpu backend
// as the Web Worker runs it in the browser. It owns at most one sweep: it validates the config,
// estimates the sweep's memory and refuses one that cannot fit (before any model exists), loads
// the shipped teacher or trains one, then drives a SweepRun (src/train/sweep.ts) and turns its
// callbacks into events tagged with the sweep's runId.

import { BUILTIN_TASKS, taskOptions } from '../config';
import { buildTask } from '../data';
import type { Task } from '../data/task';
import type { MemoryLimits } from '../memory';
import { importModel } from '../model/export';
import type { GPT } from '../model/gpt';
import { membersPerGroup, validateSweep, type SweepConfig } from '../sweepConfig';
import { currentMemoryLimits } from '../train/memoryLimits';
import { DistillationRun } from '../train/run';
import { checkSweepFits, SweepRun } from '../train/sweep';
import { yieldToEvents } from './activeRun';
import { OneJobSession } from './oneJobSession';
import { releaseGpuBufferPool } from './gpuPool';
import {
  AUTO_TEACHER_STEPS,
  noShippedTeacherMessage,
  shippedTeacherFits,
  type BackendInfo,
  type BackendName,
} from './protocol';
import { SpeedMeter } from './speed';
import type { SweepCommand, SweepEvent, SweepStatus } from './sweepProtocol';
import { probeShippedTeacher, teacherPath, type AssetLoader } from './teachers';

export interface SweepSessionDeps {
  post(event: SweepEvent): void;
  chooseBackend(forced: BackendName | null): Promise<BackendInfo>;
  loadAsset: AssetLoader;
  /** What the backend can hold (default: the backend in use); a sweep that does not fit is refused. */
  memoryLimits?(): MemoryLimits;
  /** How often training progress is read back and posted (ms). */
  flushMs?: number;
}

/** One sweep and its stop flag. */
class ActiveSweep {
  stopped = false;
  loop: Promise<void> = Promise.resolve();
  teacher: GPT | null = null;
  run: SweepRun | null = null;
  readonly speed = new SpeedMeter();
  constructor(readonly runId: number) {}
}

export class SweepSession extends OneJobSession<SweepCommand, ActiveSweep> {
  private assetsBase = '';

  constructor(private readonly deps: SweepSessionDeps) {
    super();
  }

  protected async apply(cmd: SweepCommand): Promise<void> {
    switch (cmd.type) {
      case 'sweepInit':
        this.assetsBase = cmd.assetsBase;
        this.deps.post({ type: 'sweepBackend', info: await this.deps.chooseBackend(cmd.forcedBackend) });
        return;
      case 'sweepStart':
        await this.stop();
        this.start(cmd.runId, cmd.config);
        return;
      case 'sweepStop':
        await this.stop();
        this.deps.post({ type: 'sweepStopped', runId: cmd.runId });
        return;
      default: {
        const never: never = cmd;
        throw new Error(`unknown sweep command ${JSON.stringify(never)}`);
      }
    }
  }

  private status(a: ActiveSweep, status: SweepStatus, detail: string, group = 0): void {
    if (!a.stopped) this.deps.post({ type: 'sweepStatus', runId: a.runId, status, group, detail });
  }

  private start(runId: number, config: SweepConfig): void {
    const a = new ActiveSweep(runId);
    this.active = a;
    a.loop = this.drive(a, config)
      .catch((e: unknown) => {
        if (a.stopped) return;
        const message = (e as Error).message || String(e);
        this.deps.post({ type: 'sweepError', runId, message });
        this.status(a, 'error', message);
      })
      .finally(() => {
        a.run?.dispose();
        a.teacher?.dispose();
        a.run = null;
        a.teacher = null;
        // Nothing of the sweep is in use now: free the GPU buffers tfjs pooled for its shapes.
        releaseGpuBufferPool();
      });
  }

  private async drive(a: ActiveSweep, config: SweepConfig): Promise<void> {
    const problems = validateSweep(config);
    if (problems.length) throw new Error(`the sweep is not valid: ${problems.join('; ')}`);
    if (!BUILTIN_TASKS.includes(config.run.task))
      throw new Error(
        `sweeps run on the built-in tasks (${BUILTIN_TASKS.join(', ')}); "${config.run.task}" is your own data`,
      );
    this.status(a, 'loading', 'preparing the task');
    const task = buildTask(config.run.task, taskOptions(config.run));
    // Refused before the teacher, the stack and its caches are allocated.
    const limits = (this.deps.memoryLimits ?? currentMemoryLimits)();
    const estimate = checkSweepFits(config, task, limits);
    this.deps.post({
      type: 'sweepMemory',
      runId: a.runId,
      memory: { members: membersPerGroup(config), peakBytes: estimate.peak, limitBytes: limits.totalBytes },
    });
    a.teacher = await this.teacherFor(a, config, task);
    if (!a.teacher || a.stopped) return;
    const control = { beforeStep: yieldToEvents, stopped: () => a.stopped };
    a.run = new SweepRun(
      task,
      config,
      a.teacher,
      control,
      {
        onPhase: (group, phase, detail) => {
          if (phase === 'training') a.speed.clear();
          this.status(a, phase, detail, group);
        },
        onProgress: (p) => {
          if (a.stopped) return;
          a.speed.record(performance.now(), p.step);
          this.deps.post({
            type: 'sweepProgress',
            runId: a.runId,
            group: p.group,
            step: p.step,
            steps: p.steps,
            stepsPerSec: a.speed.stepsPerSec(),
          });
        },
        onReport: (report) => {
          if (!a.stopped) this.deps.post({ type: 'sweepReport', runId: a.runId, report });
        },
      },
      this.deps.flushMs ?? 250,
    );
    const finished = await a.run.run();
    if (finished)
      this.status(
        a,
        'done',
        `finished ${config.students.length} group(s) of ${a.run.plan.length} students`,
        config.students.length - 1,
      );
  }

  /** The shipped teacher when one fits the sweep's task and size; else one trained as the single run trains it. */
  private async teacherFor(a: ActiveSweep, config: SweepConfig, task: Task): Promise<GPT | null> {
    let run = config.run;
    if (run.teacherSteps === 0) {
      const shipped = await probeShippedTeacher(task, (p) => this.deps.loadAsset(this.assetsBase + p));
      if (shippedTeacherFits(shipped.info, run) && shipped.configJson) {
        const weights = await this.deps.loadAsset(this.assetsBase + teacherPath(task.id, 'model.safetensors'));
        if (!weights) throw new Error('the shipped teacher has a config.json but no model.safetensors');
        return importModel(weights, shipped.configJson, false).model;
      }
      this.status(
        a,
        'teacher',
        `${noShippedTeacherMessage(shipped.info, run)}: training a teacher for ${AUTO_TEACHER_STEPS} steps first`,
      );
      run = { ...run, teacherSteps: AUTO_TEACHER_STEPS };
    } else {
      this.status(a, 'teacher', `training the teacher for ${run.teacherSteps} steps`);
    }
    // The single run's teacher phase (same seed, same batches, same schedule), then its teacher kept.
    const trainer = new DistillationRun(task, run, {
      hyper: () => run.hyper,
      beforeStep: yieldToEvents,
      stopped: () => a.stopped,
    });
    try {
      await trainer.trainTeacher();
    } catch (e) {
      trainer.dispose();
      throw e;
    }
    if (a.stopped) {
      trainer.dispose();
      return null;
    }
    return trainer.teacher;
  }

  /** Ends everything (tests). */
  async dispose(): Promise<void> {
    await this.stop();
  }
}
