// The only place that creates the grammar lab's worker, and the page's lab controller (the backend
// forced in the URL and the assets' base, as main.tsx gives the run's and the sweep's workers).

import { LabController, type LabPort } from './labController';
import { readUrl } from './url';

export function createLabWorker(): Worker & LabPort {
  return new Worker(new URL('../worker/labWorker.ts', import.meta.url), {
    type: 'module',
    name: 'grammar-lab',
  }) as Worker & LabPort;
}

/** The lab controller of this page; its worker starts at the first Run. */
export function createPageLabController(): LabController {
  const assetsBase = new URL(import.meta.env.BASE_URL, window.location.href).href;
  return new LabController(createLabWorker, readUrl(window.location.search).forcedBackend, assetsBase);
}
