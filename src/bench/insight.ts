// npm run bench:insight -- [--runs R] [--backends webgpu,wasm,cpu] [--cap S] [--search '?…'] [--json]
//
// Time to insight, in headless Chromium (issue 9): for each backend, R runs of the app as a visitor
// uses it (load the page with backend=…, wait for it to be ready, press the first screen's Start),
// and the seconds from the Start click to
//   - the first distillation step,
//   - the first validation after it (step > 0),
//   - the first validation at which the KD gain exceeds two of its (paired) standard errors.
// Run r uses seed r (the default scenario otherwise), so the median is over seeds, not repeats of
// one curve. A run stops at its significant validation or after --cap seconds. Times come from the
// worker's own events (a wrapper around Worker that the page cannot tell apart), stamped on the
// page's clock. A program, not a test: it prints a table, the machine and the medians.
//
// Needs the app build (dist/): the npm script runs `vite build` first.

import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchBrowser, startPreview } from '../../tests/e2e/harness';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    backends: { type: 'string', default: 'webgpu,wasm,cpu' },
    cap: { type: 'string', default: '150' },
    search: { type: 'string', default: '' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const backends = values
  .backends!.split(',')
  .map((b) => b.trim())
  .filter(Boolean);
const capSeconds = Number(values.cap);
const extra = values.search!.replace(/^\?/, '');

/** Installed before any page script: stamps the worker's events the benchmark needs. */
const PROBE = `(() => {
  const Native = window.Worker;
  const log = { start: null, firstStep: null, firstVal: null, significant: null, steps: 0, lastGain: null, backend: null, error: null, phase: 'none' };
  window.__insight = log;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        const e = ev.data;
        if (!e || typeof e !== 'object') return;
        const now = performance.now();
        if (e.type === 'backend') log.backend = e.info;
        if (e.type === 'phase') log.phase = e.phase;
        if (e.type === 'error') log.error = e.message;
        if (e.type === 'points') {
          const d = e.points.filter((p) => p.phase === 'distill');
          if (d.length) {
            log.steps = d[d.length - 1].step;
            if (log.firstStep === null) log.firstStep = now;
          }
        }
        if (e.type === 'eval' && e.report.phase === 'distill' && e.report.split === 'val' && e.report.step > 0) {
          if (log.firstVal === null) log.firstVal = now;
          const g = e.report.gain;
          if (g) {
            log.lastGain = { step: e.report.step, gain: g.gain, se: g.se };
            if (log.significant === null && g.gain > 2 * g.se) log.significant = { t: now, step: e.report.step, gain: g.gain, se: g.se };
          }
        }
      });
    }
  };
})();`;

interface Probe {
  start: number | null;
  firstStep: number | null;
  firstVal: number | null;
  significant: { t: number; step: number; gain: number; se: number } | null;
  steps: number;
  lastGain: { step: number; gain: number; se: number } | null;
  backend: { name: string; adapter?: string; fallbackReason: string | null } | null;
  error: string | null;
  phase: string;
}

interface RunResult {
  backend: string;
  ran: string;
  seed: number;
  /** Seconds from Start; null when not reached within the cap. */
  firstStep: number | null;
  firstVal: number | null;
  significant: number | null;
  significantAt: { step: number; gain: number; se: number } | null;
  steps: number;
  lastGain: Probe['lastGain'];
  error: string | null;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function oneRun(browser: Browser, base: string, backend: string, seed: number): Promise<RunResult> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.addInitScript(PROBE);
    const query = new URLSearchParams(extra);
    query.set('backend', backend);
    query.set('seed', String(seed));
    await page.goto(`${base}/?${query}`, { waitUntil: 'load' });
    const start = page.getByTestId('hero-start');
    await start.waitFor({ state: 'visible', timeout: 120_000 });
    await page.waitForFunction(
      () => {
        const b = document.querySelector('[data-testid="hero-start"]') as HTMLButtonElement | null;
        const badge = document.querySelector('[data-testid="backend"]');
        return b !== null && !b.disabled && !!badge && !/choosing/i.test(badge.textContent ?? '');
      },
      undefined,
      { timeout: 120_000 },
    );
    await page.evaluate(() => ((window as unknown as { __insight: Probe }).__insight.start = performance.now()));
    await start.click();
    const deadline = Date.now() + capSeconds * 1000;
    let p: Probe;
    for (;;) {
      p = await page.evaluate(() => (window as unknown as { __insight: Probe }).__insight);
      if (p.significant || p.error || p.phase === 'done' || Date.now() > deadline) break;
      await sleep(250);
    }
    const since = (t: number | null) => (t === null || p.start === null ? null : (t - p.start) / 1000);
    return {
      backend,
      ran: p.backend ? `${p.backend.name}${p.backend.adapter ? ` (${p.backend.adapter})` : ''}` : 'unknown',
      seed,
      firstStep: since(p.firstStep),
      firstVal: since(p.firstVal),
      significant: p.significant ? since(p.significant.t) : null,
      significantAt: p.significant
        ? { step: p.significant.step, gain: p.significant.gain, se: p.significant.se }
        : null,
      steps: p.steps,
      lastGain: p.lastGain,
      error: p.error,
    };
  } finally {
    await context.close();
  }
}

const median = (xs: (number | null)[]): number | null => {
  // A run that did not get there within the cap counts as +∞ (so the median is honest about it).
  const s = xs.map((x) => (x === null ? Infinity : x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  const v = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  return Number.isFinite(v) ? v : null;
};

const sec = (v: number | null) => (v === null ? `> ${capSeconds}` : v.toFixed(1));

async function main(): Promise<void> {
  const server = await startPreview();
  const browser = await launchBrowser();
  const version = browser.version();
  const results: RunResult[] = [];
  const machine = `${cpus().length}× ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average at start ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`;
  try {
    for (const backend of backends) {
      for (let r = 0; r < runs; r++) {
        const res = await oneRun(browser, server.url, backend, r + 1);
        results.push(res);
        const sig = res.significantAt
          ? ` (step ${res.significantAt.step}: ${(res.significantAt.gain * 100).toFixed(1)} ± ${(res.significantAt.se * 100).toFixed(1)} pts)`
          : res.lastGain
            ? ` (not yet: last step ${res.lastGain.step}, ${(res.lastGain.gain * 100).toFixed(1)} ± ${(res.lastGain.se * 100).toFixed(1)} pts)`
            : '';
        process.stderr.write(
          `[bench:insight] ${backend} seed ${res.seed} on ${res.ran}: first step ${sec(res.firstStep)} s, first validation ${sec(res.firstVal)} s, gain > 2 SE ${sec(res.significant)} s${sig}; ${res.steps} steps${res.error ? `; error: ${res.error}` : ''}\n`,
        );
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const rows = backends.map((b) => {
    const rs = results.filter((r) => r.backend === b);
    return {
      backend: b,
      ran: [...new Set(rs.map((r) => r.ran))].join(', '),
      runs: rs.length,
      firstStep: median(rs.map((r) => r.firstStep)),
      firstVal: median(rs.map((r) => r.firstVal)),
      significant: median(rs.map((r) => r.significant)),
      reached: rs.filter((r) => r.significant !== null).length,
    };
  });
  const lines = [
    `machine: ${machine}; Chromium ${version}, headless`,
    `scenario: the default${extra ? ` + ${extra}` : ''}; seeds 1…${runs}; a run is capped at ${capSeconds} s`,
    '',
    '| backend (asked → ran on) | runs | Start → first step | → first validation | → gain > 2 SE | runs reaching it |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.backend} → ${r.ran} | ${r.runs} | ${sec(r.firstStep)} s | ${sec(r.firstVal)} s | ${sec(r.significant)} s | ${r.reached} / ${r.runs} |`,
    ),
    '',
    'seconds from the Start click, median over the runs (a run that did not get there counts as never)',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify({ machine, capSeconds, rows, results })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`[bench:insight] ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
