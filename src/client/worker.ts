// The only place that creates the training worker.

import type { WorkerPort } from './controller';

export function createWorker(): Worker & WorkerPort {
  return new Worker(new URL('../worker/worker.ts', import.meta.url), {
    type: 'module',
    name: 'distillation',
  }) as Worker & WorkerPort;
}
