// End to end, as a person uses the app: the built app (dist/) served by `vite preview` on
// 127.0.0.1, driven in Debian's Chromium on the real WebGPU backend (SwiftShader, no GPU needed).
// Run with `npm run test:e2e` (builds first). Relies only on the interface contract of issue 3:
// native range sliders named "Temperature"/"Alpha"; buttons Start, Pause, Resume, Step, Reset;
// data-testid backend, step, loss-chart, accuracy-chart, predictions, kd-gain, phase, error;
// a file input labelled "Upload"; errors in role="alert".
//
// The tests in the first describe block share one page and run in order, like one visitor's
// session: start, steer, pause, step, upload a bad file, reset.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  assertWebGPUAdapter,
  firstInt,
  launchBrowser,
  openPage,
  REPO_ROOT,
  startPreview,
  type AppPage,
  type PreviewServer,
} from './harness';

// Under the unit-test config (plain `vitest run`) this file is skipped: it needs a build and a browser.
const RUN = process.env.DP_E2E === '1';

// Tiny models so SwiftShader keeps up: a 30-step tiny teacher, then distillation into a tiny student
// that runs well past the end of the tests (it must still be stepping when the last test looks).
const TINY = new URLSearchParams({
  task: 'sentiment',
  seed: '1',
  teacher: 'tiny',
  student: 'tiny',
  'teacher-steps': '30',
  steps: '3000',
  'eval-every': '20',
  'batch-size': '16',
  labelled: '64',
  transfer: '256',
}).toString();

/** How long the first steps may take: page load, backend init, teacher phase, teacher logits cache. */
const FIRST_STEPS_MS = 150_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function readStep(page: Page): Promise<number> {
  return firstInt(await page.getByTestId('step').textContent());
}

/** Waits until the step counter is above `than`; returns the value seen. */
async function stepAbove(page: Page, than: number, timeout = 60_000): Promise<number> {
  await expect
    .poll(() => readStep(page), { timeout, interval: 250, message: `step counter should pass ${than}` })
    .toBeGreaterThan(than);
  return readStep(page);
}

/** Waits until two reads `gapMs` apart agree (a paused run settles: in-flight events land). */
async function settledStep(page: Page, gapMs = 1000, timeout = 20_000): Promise<number> {
  const deadline = Date.now() + timeout;
  let a = await readStep(page);
  while (Date.now() < deadline) {
    await sleep(gapMs);
    const b = await readStep(page);
    if (a === b) return b;
    a = b;
  }
  throw new Error(`step counter did not stop within ${timeout} ms (last ${a})`);
}

/** SVG line paths that recharts drew inside a chart (with more than one point). */
async function drawnLines(chart: Locator): Promise<number> {
  const ds = await chart.locator('.recharts-line path, path.recharts-curve').evaluateAll((els) =>
    els.map((e) => e.getAttribute('d') ?? ''),
  );
  return ds.filter((d) => /^M[^M]*L/.test(d.trim())).length;
}

/** Puts a native range input on a value of its own grid near `want`; returns the value set. */
async function setRange(slider: Locator, want: number): Promise<string> {
  const grid = await slider.evaluate((el, w) => {
    const input = el as HTMLInputElement;
    const min = Number(input.min || 0);
    const max = Number(input.max || 100);
    const step = input.step === 'any' ? 0 : Number(input.step || 1);
    const clamped = Math.min(max, Math.max(min, w));
    const v = step > 0 ? min + Math.round((clamped - min) / step) * step : clamped;
    const decimals = step > 0 ? Math.max(0, (String(step).split('.')[1] ?? '').length) : 6;
    return String(Number(v.toFixed(decimals)));
  }, want);
  await slider.fill(grid);
  return grid;
}

/** Matches a number as a UI may print it: 2 → "2", "2.0", "2.00". */
function numberPattern(value: string): RegExp {
  const [int, frac = ''] = value.split('.');
  const trimmed = frac.replace(/0+$/, '');
  const body = trimmed ? `${int}\\.${trimmed}0*` : `${int}(?:\\.0+)?`;
  return new RegExp(`(?<![\\d.])${body}(?![\\d])`);
}

const SHOTS = join(REPO_ROOT, 'test-results');

describe.skipIf(!RUN)('Distillation Playground in Chromium on WebGPU', () => {
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    server = await startPreview();
    try {
      browser = await launchBrowser();
    } catch (e) {
      await server.stop();
      server = undefined;
      throw e;
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  /** On failure: print what the page logged, and keep a screenshot in test-results/. */
  function reportOnFailure(get: () => AppPage | undefined): void {
    beforeEach(({ onTestFailed, task }) => {
      onTestFailed(async () => {
        const app = get();
        if (!app) return;
        console.error(app.log.format(`browser log at failure of "${task.name}"`));
        try {
          mkdirSync(SHOTS, { recursive: true });
          const file = join(SHOTS, `e2e-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
          await app.page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
          console.error(`screenshot: ${file}`);
        } catch {
          /* the page may be gone */
        }
      });
    });
  }

  describe('a visitor distils with tiny models', () => {
    let app: AppPage | undefined;
    const page = () => app!.page;
    reportOnFailure(() => app);

    beforeAll(async () => {
      app = await openPage(browser!, server!.url, '/?' + TINY);
    });
    afterAll(async () => {
      await app?.close().catch(() => {});
    });

    it('has a WebGPU adapter in the page and in a module worker', async () => {
      const r = await assertWebGPUAdapter(page());
      expect(r.ok).toBe(true);
      expect(r.worker?.ok).toBe(true);
    });

    it('runs on the webgpu backend (not a fallback)', async () => {
      const badge = page().getByTestId('backend');
      await expect
        .poll(async () => (await badge.textContent()) ?? '', { timeout: 60_000, message: 'backend badge names a backend' })
        .toMatch(/webgpu|webgl|cpu/i);
      const text = (await badge.textContent()) ?? '';
      expect(text, `backend badge says "${text}"`).toMatch(/webgpu/i);
      expect(text, `backend badge says "${text}"`).not.toMatch(/\bcpu\b|webgl/i);
      await expect.poll(() => readStep(page())).toBe(0);
    });

    it('Start: the step counter advances and both charts draw lines', async () => {
      await page().getByRole('button', { name: 'Start', exact: true }).click();
      const s1 = await stepAbove(page(), 0, FIRST_STEPS_MS);
      const s2 = await stepAbove(page(), s1, 60_000);
      expect(s2).toBeGreaterThan(s1);
      await expect
        .poll(() => page().getByTestId('phase').textContent(), { timeout: 60_000 })
        .toMatch(/distil/i);
      await expect
        .poll(() => drawnLines(page().getByTestId('loss-chart')), { timeout: 60_000, message: 'loss chart has lines' })
        .toBeGreaterThan(0);
      // Validation points come every eval-every (20) steps.
      await expect
        .poll(() => drawnLines(page().getByTestId('accuracy-chart')), {
          timeout: 90_000,
          message: 'accuracy chart has lines',
        })
        .toBeGreaterThan(0);
      await expect
        .poll(async () => (await page().getByTestId('kd-gain').textContent()) ?? '', { timeout: 30_000 })
        .toMatch(/\d/);
      const err = page().getByTestId('error');
      expect(await err.isVisible().catch(() => false) ? (await err.textContent())?.trim() : '').toBeFalsy();
    });

    it('Temperature and Alpha move mid-run, show their new values, and the run keeps stepping', async () => {
      const temperature = page().getByRole('slider', { name: /Temperature/ });
      const alpha = page().getByRole('slider', { name: /Alpha/ });
      await temperature.waitFor({ state: 'visible', timeout: 15_000 });
      await alpha.waitFor({ state: 'visible', timeout: 15_000 });

      // Temperature: set a value with fill() (native range input, on its step grid).
      const t0 = await temperature.inputValue();
      const tWant = Number(t0) === 2 ? 6 : 2;
      const t1 = await setRange(temperature, tWant);
      expect(await temperature.inputValue()).toBe(t1);
      expect(t1).not.toBe(t0);

      // Alpha: keyboard, as a person would after tabbing to it.
      const a0 = await alpha.inputValue();
      await alpha.focus();
      const key = Number(a0) >= Number((await alpha.getAttribute('max')) ?? 1) ? 'ArrowLeft' : 'ArrowRight';
      for (let i = 0; i < 3; i++) await page().keyboard.press(key);
      const a1 = await alpha.inputValue();
      expect(a1).not.toBe(a0);

      // The new values show in the page (the formula with live values), and in the shareable URL.
      const body = page().locator('body');
      await expect.poll(async () => numberPattern(t1).test((await body.innerText()) ?? '')).toBe(true);
      await expect.poll(async () => numberPattern(a1).test((await body.innerText()) ?? '')).toBe(true);
      await expect.poll(() => new URL(page().url()).searchParams.get('temperature')).toBe(t1);
      await expect.poll(() => new URL(page().url()).searchParams.get('alpha')).toBe(a1);

      // Without a restart: the counter keeps going up from where it was.
      const s = await readStep(page());
      expect(s).toBeGreaterThan(0);
      await stepAbove(page(), s, 60_000);
    });

    it('Pause stops the counter; Step adds exactly one; Resume goes on', async () => {
      await page().getByRole('button', { name: 'Pause', exact: true }).click();
      const paused = await settledStep(page());
      await sleep(1500);
      expect(await readStep(page()), 'counter must not move while paused').toBe(paused);

      await page().getByRole('button', { name: 'Step', exact: true }).click();
      await expect.poll(() => readStep(page()), { timeout: 30_000 }).toBe(paused + 1);
      await sleep(1500);
      expect(await readStep(page()), 'one click of Step is exactly one step').toBe(paused + 1);

      await page().getByRole('button', { name: 'Resume', exact: true }).click();
      await stepAbove(page(), paused + 1, 60_000);
    });

    it('shows teacher and student probabilities side by side', async () => {
      const panel = page().getByTestId('predictions');
      await panel.waitFor({ state: 'visible', timeout: 15_000 });
      await expect
        .poll(async () => (await panel.innerText()) ?? '', { timeout: 30_000 })
        .toMatch(/teacher[\s\S]*student|student[\s\S]*teacher/i);
      // Probabilities are printed as numbers (percentages or 0.xx).
      const text = await panel.innerText();
      const probs = text.match(/\d+(?:\.\d+)?\s*%|\b0?\.\d+\b|\b1\.0+\b/g) ?? [];
      expect(probs.length, `predictions panel text: ${text.slice(0, 400)}`).toBeGreaterThanOrEqual(2);
    });

    it('a bad CSV upload gives a clear message with the line, and the run carries on', async () => {
      const csv = 'text,label\nwhat a wonderful film,positive\nawful, boring and long,negative\nfine,neutral\n';
      const before = await readStep(page());
      await page()
        .getByLabel(/Upload/)
        .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
      const alert = page().getByRole('alert').filter({ hasText: /line\s*3/i });
      await expect.poll(() => alert.count(), { timeout: 15_000, message: 'an alert naming line 3' }).toBeGreaterThan(0);
      const message = (await alert.first().innerText()).trim();
      expect(message).toMatch(/field/i);
      // The page still works: the run it had keeps stepping.
      await stepAbove(page(), Math.max(before, await readStep(page())), 60_000);
    });

    it('Reset puts the step counter back to 0', async () => {
      await page().getByRole('button', { name: 'Reset', exact: true }).click();
      await expect.poll(() => readStep(page()), { timeout: 30_000 }).toBe(0);
      await sleep(1500);
      expect(await readStep(page()), 'no late events from the old run').toBe(0);
    });

    it('threw no uncaught errors', () => {
      const log = app!.log;
      expect(log.pageErrors, log.format()).toEqual([]);
      // The bad upload may be logged; anything else is a bug.
      const unexpected = log.errors().filter((e) => !/line\s*3/i.test(e));
      expect(unexpected, log.format()).toEqual([]);
    });
  });

  describe('the fallback backend', () => {
    let app: AppPage | undefined;
    reportOnFailure(() => app);
    afterAll(async () => {
      await app?.close().catch(() => {});
    });

    it('?backend=cpu runs on cpu, says why, and still trains', async () => {
      app = await openPage(browser!, server!.url, '/?' + TINY + '&backend=cpu');
      const page = app.page;
      const badge = page.getByTestId('backend');
      await expect
        .poll(async () => (await badge.textContent()) ?? '', { timeout: 60_000 })
        .toMatch(/\bcpu\b/i);
      // The reason for the fallback is shown (in the badge, its title, or next to it).
      const reason = [(await badge.textContent()) ?? '', (await badge.getAttribute('title')) ?? ''].join(' ');
      expect(reason, `backend badge: "${reason}"`).toMatch(/forced|request|url|backend=cpu|chosen|selected/i);

      await page.getByRole('button', { name: 'Start', exact: true }).click();
      const s1 = await stepAbove(page, 0, FIRST_STEPS_MS);
      await stepAbove(page, s1, 60_000);
      expect(app.log.pageErrors, app.log.format()).toEqual([]);
    });
  });
});
