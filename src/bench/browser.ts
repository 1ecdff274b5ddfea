// npm run bench:browser -- [--rounds R] [--seconds S] [--search '?task=…'] [--json]
//
// Steps per second of the same distillation run in headless Chromium (WebGPU on whatever adapter the
// flags give: SwiftShader without a GPU), with the app's UI rendering (index.html) and with the
// training worker alone (bench.html: the same worker module, started the same way, no UI). The two
// pages alternate, R rounds each; a round loads the page, starts the run, waits until distillation
// has run `warmup` steps, then counts steps over S seconds. Steps are counted from the worker's own
// 'points' events, seen through a wrapper around `Worker` that the page cannot tell apart: the app is
// measured unmodified.
//
// Needs the benchmark build (vite build -c vite.bench.config.ts → out/bench-dist), which the npm
// script runs first.

import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { launchBrowser, REPO_ROOT, startPreview } from '../../tests/e2e/harness';

const DEFAULT_SEARCH = '?task=sentiment&student=tiny&batch-size=16&steps=1000000&eval-every=1000000';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    search: { type: 'string', default: DEFAULT_SEARCH },
    json: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const search = values.search!.startsWith('?') ? values.search! : `?${values.search}`;

/** Installed before any page script: records (time, step) of every distillation 'points' event. */
const WORKER_PROBE = `(() => {
  const Native = window.Worker;
  const log = { points: [], phase: 'none', backend: null, error: null };
  window.__bench = log;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        const e = ev.data;
        if (!e || typeof e !== 'object') return;
        if (e.type === 'phase') log.phase = e.phase;
        if (e.type === 'backend') log.backend = e.info;
        if (e.type === 'error') log.error = e.message;
        if (e.type === 'points' && e.points.length) {
          const last = e.points[e.points.length - 1];
          if (last.phase === 'distill') log.points.push([performance.now(), last.step]);
        }
      });
    }
  };
})();`;

interface Probe {
  points: [number, number][];
  phase: string;
  backend: { name: string; adapter?: string } | null;
  error: string | null;
}

const probe = (page: Page) => page.evaluate(() => (window as unknown as { __bench: Probe }).__bench);

interface Measurement {
  stepsPerSec: number;
  steps: number;
  seconds: number;
  backend: string;
  /** Share of the measured wall time the page's main thread was busy (tasks, of which script and layout+style). */
  mainThread: { busy: number; script: number; layout: number };
}

/** The page's main-thread time counters (seconds), from the DevTools protocol's Performance domain. */
async function mainThreadTimes(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function measure(page: Page, url: string, startsItself: boolean): Promise<Measurement> {
  await page.addInitScript(WORKER_PROBE);
  await page.goto(url);
  if (!startsItself) {
    const start = page.getByRole('button', { name: 'Start', exact: true });
    await start.waitFor({ state: 'visible', timeout: 60_000 });
    // Enabled once the worker has answered (task info, shipped teacher).
    await page.waitForFunction(
      () => {
        const b = [...document.querySelectorAll('button')].find((x) => x.textContent?.trim() === 'Start');
        return b !== undefined && !(b as HTMLButtonElement).disabled;
      },
      undefined,
      { timeout: 120_000 },
    );
    await start.click();
  }
  // Until distillation has done `warmup` steps (teacher load, cache, first validation are not timed).
  const deadline = Date.now() + 600_000;
  for (;;) {
    const p = await probe(page);
    if (p.error) throw new Error(`the run failed: ${p.error}`);
    const last = p.points[p.points.length - 1];
    if (last && last[1] >= warmup) break;
    if (Date.now() > deadline) throw new Error(`no distillation steps within 10 minutes (phase ${p.phase})`);
    await page.waitForTimeout(250);
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const first = await probe(page);
  const from = first.points[first.points.length - 1];
  const t0 = await mainThreadTimes(cdp);
  await page.waitForTimeout(seconds * 1000);
  const t1 = await mainThreadTimes(cdp);
  const end = await probe(page);
  const to = end.points[end.points.length - 1];
  const dt = (to[0] - from[0]) / 1000;
  const wall = t1.Timestamp - t0.Timestamp;
  const share = (...keys: string[]) => keys.reduce((sum, k) => sum + (t1[k] - t0[k]), 0) / wall;
  const mainThread = {
    busy: share('TaskDuration'),
    script: share('ScriptDuration'),
    layout: share('LayoutDuration', 'RecalcStyleDuration'),
  };
  const backend = end.backend
    ? `${end.backend.name}${end.backend.adapter ? ` (${end.backend.adapter})` : ''}`
    : 'unknown';
  return { stepsPerSec: (to[1] - from[1]) / dt, steps: to[1] - from[1], seconds: dt, backend, mainThread };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main(): Promise<void> {
  const server = await startPreview({ outDir: `${REPO_ROOT}/out/bench-dist` });
  const browser = await launchBrowser();
  const results: { ui: Measurement[]; worker: Measurement[] } = { ui: [], worker: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      // ABBA order, so a drift in the machine's load over the run does not favour one side.
      const order = r % 2 === 0 ? (['ui', 'worker'] as const) : (['worker', 'ui'] as const);
      for (const kind of order) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        const url = `${server.url}/${kind === 'ui' ? 'index.html' : 'bench.html'}${search}`;
        const m = await measure(page, url, kind === 'worker');
        results[kind].push(m);
        const mt = `main thread busy ${pct(m.mainThread.busy)} (script ${pct(m.mainThread.script)}, layout+style ${pct(m.mainThread.layout)})`;
        process.stderr.write(
          `[bench:browser] round ${r + 1} ${kind}: ${m.stepsPerSec.toFixed(3)} steps/s (${m.steps} steps in ${m.seconds.toFixed(1)} s, ${m.backend}); ${mt}\n`,
        );
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const ui = median(results.ui.map((m) => m.stepsPerSec));
  const worker = median(results.worker.map((m) => m.stepsPerSec));
  const perRound = results.ui.map((m, i) => 1 - m.stepsPerSec / results.worker[i].stepsPerSec);
  const summary = {
    search,
    backend: results.worker[0]?.backend,
    rounds,
    seconds,
    uiStepsPerSec: ui,
    workerStepsPerSec: worker,
    uiOverhead: median(perRound),
    uiOverheadOfMedians: 1 - ui / worker,
    uiOverheadPerRound: perRound,
    uiMainThreadBusy: median(results.ui.map((m) => m.mainThread.busy)),
    workerPageMainThreadBusy: median(results.worker.map((m) => m.mainThread.busy)),
  };
  process.stdout.write(
    [
      `browser: headless Chromium (${summary.backend}), run ${search}`,
      `steps/s with the UI rendering: ${ui.toFixed(3)}  [${results.ui.map((m) => m.stepsPerSec.toFixed(3)).join(', ')}]`,
      `steps/s, worker alone:         ${worker.toFixed(3)}  [${results.worker.map((m) => m.stepsPerSec.toFixed(3)).join(', ')}]`,
      `UI overhead (1 − ui/worker, median of the rounds' ratios; target ≤ 5 %): ${pct(summary.uiOverhead)}; per round ${perRound.map(pct).join(', ')}`,
      `  (1 − median ui / median worker: ${pct(summary.uiOverheadOfMedians)})`,
      `page main thread busy (median): with the UI ${pct(summary.uiMainThreadBusy)}, worker-only page ${pct(summary.workerPageMainThreadBusy)}`,
    ].join('\n') + '\n',
  );
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
