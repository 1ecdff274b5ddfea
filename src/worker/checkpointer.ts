// When the worker checkpoints a run, and the last good checkpoint it keeps for rollbacks.
//
// A checkpoint is taken at the step gate (between two steps, see train/checkpoint.ts): at the first
// step of each phase (so a rollback never has to start over), every CHECKPOINT_EVERY steps, and
// when the run pauses. Each is posted to the page (which stores it for a resume after a reload) and
// the latest is kept here, encoded: plain bytes survive a lost GPU device and resume on any backend.
// A checkpoint whose weights are not all finite is never kept: it raises DivergedError instead.

import type { Hyper } from '../config';
import { captureCheckpoint, encodeRunCheckpoint, firstNonFinite } from '../train/checkpoint';
import { DivergedError } from '../train/diverged';
import type { DistillationRun } from '../train/run';
import type { CheckpointReason, TrainPhase, WorkerEvent } from './protocol';

/**
 * Steps between checkpoints. For the default config a checkpoint is 1.3 MiB, and capture + encode
 * took 20–40 ms on wasm against a 186–243 ms step, i.e. 0.1–0.16 steps (src/cli/benchCheckpoint.ts,
 * BENCHMARKS.md): every 100 steps that is ~0.2 % of training time. The read-back is the same
 * 1.3 MiB on any backend, so on a backend whose steps are 20 times faster it would be a few %.
 * A crash or rollback loses at most 100 steps.
 */
export const CHECKPOINT_EVERY = 100;

export interface KeptCheckpoint {
  phase: TrainPhase;
  step: number;
  bytes: ArrayBuffer;
}

type Post = (event: WorkerEvent, transfer?: Transferable[]) => void;

export class Checkpointer {
  /** The last good checkpoint of this run (null before the first). */
  latest: KeptCheckpoint | null = null;

  constructor(
    private readonly runId: number,
    private readonly post: Post,
    private readonly every = CHECKPOINT_EVERY,
  ) {}

  /** Takes a checkpoint now when one is due for `reason` and none exists for this step yet. */
  async maybe(run: DistillationRun | null, hyper: Hyper, reason: CheckpointReason): Promise<void> {
    const phase = run?.phase;
    if (!run || !phase) return;
    const step = phase === 'teacher' ? run.teacherStep : run.distillStep;
    if (this.latest?.phase === phase && this.latest.step === step) return;
    if (reason === 'interval' && step % this.every !== 0) return;
    const checkpoint = await captureCheckpoint(run, hyper);
    const bad = firstNonFinite(checkpoint);
    if (bad) throw new DivergedError(phase, step, `a weight or optimizer value became non-finite (${bad})`);
    const bytes = encodeRunCheckpoint(checkpoint);
    this.latest = { phase, step, bytes };
    const copy = bytes.slice(0);
    this.post({ type: 'checkpoint', runId: this.runId, phase, step, reason, bytes: copy }, [copy]);
  }
}
