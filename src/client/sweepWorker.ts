// The only place that creates the sweep worker.

import type { SweepPort } from './sweepController';

export function createSweepWorker(): Worker & SweepPort {
  return new Worker(new URL('../worker/sweepWorker.ts', import.meta.url), { type: 'module', name: 'sweep' }) as Worker &
    SweepPort;
}
