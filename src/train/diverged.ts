// Training that has left the finite numbers: a NaN or ±Inf loss (found when the step losses are read
// back, DistillationRun.flush) or weight (found when a checkpoint is read back). The run cannot learn
// from there on (every later update is NaN), so it stops with this error and the worker rolls back
// to the last good checkpoint (src/worker/faults.ts).
//
// The gradient norm is not read back: AdamW computes it on the device only to scale the step, and
// reading it would add a transfer per step. It need not be: a NaN or ±Inf gradient makes the clip
// scale (clip / max(‖g‖, clip)) 0 or NaN and the update NaN, so the weights go NaN, the next step's
// loss is NaN (found at the next flush), and a checkpoint taken in between refuses them.

import type { TrainPhase } from '../report';

export class DivergedError extends Error {
  override name = 'DivergedError';

  constructor(
    readonly phase: TrainPhase,
    readonly step: number,
    /** What went non-finite, as a phrase: "the total loss became NaN". */
    readonly what: string,
  ) {
    super(`training diverged: ${what} at ${phase === 'teacher' ? 'teacher' : 'distillation'} step ${step}`);
  }
}
