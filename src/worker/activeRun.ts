// One run and everything that steers it: the RunControl the DistillationRun reads (a pause gate
// that lets single steps through, live hyperparameters with a marker when they change, a stop
// flag), and the hold that latency measurements put on the loop.

import type { Hyper, RunConfig } from '../config';
import type { Task } from '../data/task';
import type { DistillationRun, RunControl } from '../train/run';
import type { HyperChange, Phase, TrainPhase, WorkerEvent } from './protocol';
import { SpeedMeter } from './speed';
import { Checkpointer } from './checkpointer';

type Post = (event: WorkerEvent, transfer?: Transferable[]) => void;

/** Lets queued messages in between steps: a macrotask, without setTimeout's 4 ms clamp. */
export function yieldToEvents(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((r) => setImmediate(r));
  return new Promise((r) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      r();
    };
    ch.port2.postMessage(null);
  });
}

/** One run and everything that steers it. */
export class ActiveRun {
  run: DistillationRun | null = null;
  paused: boolean;
  /** Steps allowed through the gate while paused. */
  credits = 0;
  stopped = false;
  phase: Phase = 'loading';
  trainPhase: TrainPhase = 'teacher';
  hyper: Hyper;
  private applied: Hyper | null = null;
  private wake: (() => void) | null = null;
  /** While set, the loop waits before its next step (latency measurements). */
  private held: Promise<void> | null = null;
  loop: Promise<void> = Promise.resolve();
  readonly speed = new SpeedMeter();
  readonly checkpoints: Checkpointer;

  constructor(
    readonly runId: number,
    readonly config: RunConfig,
    readonly task: Task,
    paused: boolean,
    private readonly post: Post,
    checkpointEvery?: number,
  ) {
    this.paused = paused;
    this.hyper = { ...config.hyper };
    this.checkpoints = new Checkpointer(runId, post, checkpointEvery);
  }

  readonly control: RunControl = {
    hyper: () => this.readHyper(),
    beforeStep: () => this.gate(),
    stopped: () => this.stopped,
  };

  /** The hyperparameters of the step about to run; posts a marker when they changed since the last step. */
  private readHyper(): Hyper {
    const h = this.hyper;
    const prev = this.applied;
    if (prev) {
      const changes: HyperChange = {};
      let any = false;
      for (const k of Object.keys(h) as (keyof Hyper)[]) {
        if (h[k] !== prev[k]) {
          changes[k] = { from: prev[k], to: h[k] };
          any = true;
        }
      }
      if (any) {
        const step = (this.trainPhase === 'teacher' ? this.run?.teacherStep : this.run?.distillStep) ?? 0;
        this.post({ type: 'hyperApplied', runId: this.runId, phase: this.trainPhase, step: step + 1, changes });
      }
    }
    this.applied = h;
    return h;
  }

  /** Holds the loop before its next step until the returned function is called. */
  hold(): () => void {
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    this.held = held;
    return () => {
      if (this.held === held) this.held = null;
      release();
    };
  }

  private async gate(): Promise<void> {
    await yieldToEvents();
    while (this.held && !this.stopped) await this.held;
    while (this.paused && this.credits === 0 && !this.stopped) {
      this.speed.clear();
      await this.run?.flush(); // the points of the last single step show at once
      if (!this.stopped) await this.checkpoints.maybe(this.run, this.hyper, 'pause');
      if (this.stopped || !this.paused || this.credits > 0) break;
      await new Promise<void>((r) => (this.wake = r));
    }
    if (this.credits > 0) this.credits--;
    // Between two steps: the one point where a checkpoint is consistent (see train/checkpoint.ts).
    if (!this.stopped) await this.checkpoints.maybe(this.run, this.hyper, 'interval');
  }

  nudge(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.credits = 0;
    this.post({ type: 'paused', runId: this.runId, paused });
    this.nudge();
  }

  stepOnce(): void {
    this.credits += 1;
    if (!this.paused) this.setPaused(true);
    this.nudge();
  }

  /** Stops the loop, waits for it, frees every tensor. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.nudge();
    await this.loop.catch(() => {});
    this.run?.dispose();
    this.run = null;
  }

  setPhase(phase: Phase, detail: string, totalSteps = 0): void {
    this.phase = phase;
    if (phase === 'teacher' || phase === 'distill') this.trainPhase = phase;
    this.post({ type: 'phase', runId: this.runId, phase, detail, totalSteps });
  }
}
