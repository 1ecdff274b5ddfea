// Benchmark only (bench.html, driven by src/bench/browser.ts): the app's training worker, started
// with the settings in the URL exactly as the app starts it, and no UI at all: the "worker alone"
// side of the UI-overhead figure. It shows one line of text, updated at most once a second.

import { createWorker } from '../client/worker';
import { readUrl } from '../client/url';
import type { WorkerEvent } from '../worker/protocol';

const status = document.getElementById('status')!;
const url = readUrl(window.location.search);
const worker = createWorker();
const runId = 1;
let step = 0;
let phase = 'idle';
let shown = 0;

worker.onmessage = (ev: MessageEvent<WorkerEvent>) => {
  const e = ev.data;
  if (e.type === 'phase') phase = e.phase;
  if (e.type === 'points' && e.points.length) step = e.points[e.points.length - 1].step;
  if (e.type === 'error') status.textContent = `error: ${e.message}`;
  const now = performance.now();
  if (now - shown >= 1000 && e.type !== 'error') {
    shown = now;
    status.textContent = `${phase} ${step}`;
  }
};
worker.postMessage({
  type: 'init',
  forcedBackend: url.forcedBackend,
  assetsBase: new URL(import.meta.env.BASE_URL, window.location.href).href,
});
worker.postMessage({ type: 'setConfig', config: url.config });
worker.postMessage({ type: 'start', runId, config: url.config, paused: false });
