// Entry point: read the settings from the URL, start the worker, render, and keep the URL in sync.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Controller } from './client/controller';
import { download } from './client/download';
import { openActiveRunDb } from './client/activeRunDb';
import { openRunsDb } from './client/runsDb';
import { broadcastSync } from './client/runsSync';
import { initialState } from './client/state';
import { createStore } from './client/store';
import { readUrl, urlSearch } from './client/url';
import { createWorker } from './client/worker';
import { SweepController } from './client/sweepController';
import { createSweepWorker } from './client/sweepWorker';
import { App } from './ui/App';
import { ControllerContext } from './ui/context';
import { SweepContext } from './ui/experiments/context';
import './ui/styles.css';
import './ui/insight.css';

const url = readUrl(window.location.search);
const store = createStore(initialState(url.config, url.warnings, url.teacherExplicit));
// The runs table's database opens in the background; the page does not wait for it. So does the
// active-run slot's (issue 11: a run under way is kept with its latest checkpoint, offered after a reload).
const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
const controller = new Controller(store, createWorker(), download, openRunsDb(), broadcastSync(), {
  db: openActiveRunDb(),
  persist: storage && typeof storage.persist === 'function' ? () => storage.persist() : null,
});
const assetsBase = new URL(import.meta.env.BASE_URL, window.location.href).href;
controller.init(url.forcedBackend, assetsBase);
// The Experiments view's sweeps run in a worker of their own, created at the first sweep.
const sweeps = new SweepController(
  createSweepWorker,
  url.forcedBackend,
  assetsBase,
  undefined,
  (record) => void controller.runs.keep(record),
);

// Every setting in the URL (replaceState, a few times a second at most, so sliders stay smooth).
let lastConfig = store.getState().config;
let timer: ReturnType<typeof setTimeout> | null = null;
store.subscribe(() => {
  const config = store.getState().config;
  if (config === lastConfig) return;
  lastConfig = config;
  if (timer) return;
  timer = setTimeout(() => {
    timer = null;
    const search = urlSearch(store.getState().config, url.forcedBackend);
    if (search !== window.location.search) window.history.replaceState(null, '', search);
  }, 250);
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ControllerContext.Provider value={controller}>
      <SweepContext.Provider value={sweeps}>
        <App />
      </SweepContext.Provider>
    </ControllerContext.Provider>
  </StrictMode>,
);
