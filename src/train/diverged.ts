// A loss that is no longer a finite number: the run cannot learn from there on (every later update
// is NaN), so DistillationRun.flush stops it with this error and the worker rolls back to the last
// good checkpoint (src/worker/faults.ts).

import type { StepValue, TrainPhase } from '../report';

export class DivergedError extends Error {
  override name = 'DivergedError';

  constructor(
    readonly phase: TrainPhase,
    readonly step: number,
    /** Which reported value went non-finite, and what it was. */
    readonly value: StepValue,
    readonly got: number,
  ) {
    super(`training diverged: the ${value} loss became ${got} at ${phase} step ${step}`);
  }
}
