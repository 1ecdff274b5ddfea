// End to end, as a person uses the app: the built app (dist/) served by `vite preview` on
// 127.0.0.1, driven in Debian's Chromium on the real WebGPU backend (SwiftShader, no GPU needed).
// Run with `npm run test:e2e` (builds first). Relies only on the interface contract of issue 3:
// native range sliders named "Temperature"/"Alpha"; buttons Start, Pause, Resume, Step, Reset;
// data-testid backend, step, loss-chart, accuracy-chart, predictions, kd-gain, phase, error;
// a file input labelled "Upload"; errors in role="alert".
//
// The tests in the first describe block share one page and run in order, like one visitor's
// session: start, steer, pause, step, upload a bad file, reset.

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  assertWebGPUAdapter,
  firstInt,
  launchBrowser,
  openPage,
  startPreview,
  type AppPage,
  type PreviewServer,
} from './harness';
import { reportOnFailure } from './fixtures';

// Under the unit-test config (plain `vitest run`) this file is skipped: it needs a build and a browser.
const RUN = process.env.DP_E2E === '1';

// Tiny models so SwiftShader keeps up (it is slow: about 1 teacher step/s, 0.5 distillation
// steps/s and ~20 s per validation pass on a 2-core machine). A 20-step tiny teacher (validated at
// steps 10 and 20, so the accuracy chart has a line early), then distillation into a tiny student
// that runs well past the end of the tests (it must still be stepping when the last test looks).
const TINY = new URLSearchParams({
  task: 'sentiment',
  seed: '1',
  teacher: 'tiny',
  student: 'tiny',
  'teacher-steps': '20',
  steps: '3000',
  'eval-every': '10',
  'batch-size': '16',
  labelled: '64',
  transfer: '128',
}).toString();
const TEACHER_STEPS = 20;

/** First step: page load, backend init, shader compilation on SwiftShader (~25 s here). */
const FIRST_STEP_MS = 120_000;
/** From Start to the first distillation step: teacher phase, teacher cache, first validation (~90 s). */
const TO_DISTILL_MS = 240_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The step counter: the step within the current phase ("Teacher step 12 / 20", then "Distillation step 3 / 3000"). */
async function readStep(page: Page): Promise<number> {
  return firstInt(await page.getByTestId('step').textContent());
}

/** Which phase the step counter counts: its label. */
async function counterLabel(page: Page): Promise<string> {
  return (await page.getByTestId('step-label').textContent()) ?? '';
}

/** Waits until the step counter is above `than`; returns the value seen. */
async function stepAbove(page: Page, than: number, timeout = 60_000): Promise<number> {
  await expect
    .poll(() => readStep(page), { timeout, interval: 250, message: `step counter should pass ${than}` })
    .toBeGreaterThan(than);
  return readStep(page);
}

/** Waits until two reads `gapMs` apart agree (a paused run settles: in-flight events land). */
async function settledStep(page: Page, gapMs = 2500, timeout = 40_000): Promise<number> {
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

/** Whether some line naming `who` (or the line after it) shows a probability such as "21.9%". */
function showsProbability(text: string, who: RegExp): boolean {
  const lines = text.split('\n').map((l) => l.trim());
  const prob = /\d+(?:\.\d+)?\s*%/;
  return lines.some(
    (l, i) =>
      who.test(l) &&
      (prob.test(l.replace(who, '')) || (!!lines[i + 1] && /^\(?\d+(?:\.\d+)?\s*%\)?$/.test(lines[i + 1]))),
  );
}

/** SVG line paths that recharts drew inside a chart (with more than one point). */
async function drawnLines(chart: Locator): Promise<number> {
  const ds = await chart
    .locator('.recharts-line path, path.recharts-curve')
    .evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''));
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

/** The value displayed with a slider: its <output for=id>, else the text of its label. */
async function shownValue(page: Page, slider: Locator): Promise<string> {
  const id = await slider.getAttribute('id');
  if (id) {
    const out = page.locator(`output[for="${id.replace(/["\\]/g, '\\$&')}"]`);
    if (await out.count()) return (await out.first().textContent()) ?? '';
    const label = page.locator(`label[for="${id.replace(/["\\]/g, '\\$&')}"]`);
    if (await label.count()) return (await label.first().textContent()) ?? '';
  }
  return (await slider.getAttribute('aria-valuetext')) ?? '';
}

/** Matches a number as a UI may print it: 2 → "2", "2.0", "2.00". */
function numberPattern(value: string): RegExp {
  const [int, frac = ''] = value.split('.');
  const trimmed = frac.replace(/0+$/, '');
  const body = trimmed ? `${int}\\.${trimmed}0*` : `${int}(?:\\.0+)?`;
  return new RegExp(`(?<![\\d.])${body}(?![\\d])`);
}

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

  describe('a visitor distils with tiny models', () => {
    let app: AppPage | undefined;
    const page = () => app!.page;
    reportOnFailure(() => app, 'e2e');

    beforeAll(async () => {
      app = await openPage(browser!, server!.url, '/?' + TINY);
    });
    // Fail fast once the app has crashed (an uncaught error and its UI is gone), instead of every
    // later test waiting out its timeouts.
    beforeEach(async () => {
      if (app && app.log.pageErrors.length && (await page().getByTestId('step').count()) === 0) {
        throw new Error(`the app crashed earlier and shows no step counter:\n${app.log.pageErrors.join('\n')}`);
      }
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
        .poll(async () => (await badge.textContent()) ?? '', {
          timeout: 60_000,
          message: 'backend badge names a backend',
        })
        .toMatch(/webgpu|webgl|cpu/i);
      const text = (await badge.textContent()) ?? '';
      expect(text, `backend badge says "${text}"`).toMatch(/webgpu/i);
      expect(text, `backend badge says "${text}"`).not.toMatch(/\bcpu\b|webgl/i);
      await expect.poll(() => readStep(page())).toBe(0);
    });

    it('Start: the step counter advances and both charts draw lines', async () => {
      await page().getByRole('button', { name: 'Start', exact: true }).click();
      const s1 = await stepAbove(page(), 0, FIRST_STEP_MS);
      // One counter, of the teacher phase first (it keeps the teacher's count while caching).
      const counterText = (await page().getByTestId('step').locator('..').textContent()) ?? '';
      expect(counterText).toMatch(new RegExp(`^Teacher step \\d+ / ${TEACHER_STEPS}$`));
      const s2 = await stepAbove(page(), s1, 60_000);
      expect(s2).toBeGreaterThan(s1);
      await expect
        .poll(() => drawnLines(page().getByTestId('loss-chart')), { timeout: 60_000, message: 'loss chart has lines' })
        .toBeGreaterThan(0);
      // The teacher is validated every eval-every (10) steps: two points make a line.
      await expect
        .poll(() => drawnLines(page().getByTestId('accuracy-chart')), {
          timeout: 120_000,
          message: 'accuracy chart has lines',
        })
        .toBeGreaterThan(0);
      const err = page().getByTestId('error');
      expect((await err.count()) ? (await err.first().textContent())?.trim() : '', 'error shown').toBeFalsy();
    });

    it('distillation: student curves, teacher and student probabilities, KD gain', async () => {
      await expect
        .poll(async () => (await page().getByTestId('phase').textContent()) ?? '', {
          timeout: TO_DISTILL_MS,
          message: 'phase reaches distillation',
        })
        .toMatch(/distil/i);
      await expect
        .poll(() => counterLabel(page()), { message: 'the counter counts distillation steps' })
        .toMatch(/distillation step/i);
      await stepAbove(page(), 0, TO_DISTILL_MS);
      await expect
        .poll(() => drawnLines(page().getByTestId('loss-chart')), {
          timeout: 60_000,
          message: 'loss chart has distillation lines',
        })
        .toBeGreaterThan(0);

      const panel = page().getByTestId('predictions');
      await panel.waitFor({ state: 'visible', timeout: 15_000 });
      const text = async () => (await panel.innerText()) ?? '';
      await expect
        .poll(async () => showsProbability(await text(), /teacher/i), {
          timeout: 30_000,
          message: 'a teacher probability',
        })
        .toBe(true);
      await expect
        .poll(async () => showsProbability(await text(), /student/i), {
          timeout: 30_000,
          message: 'a student probability',
        })
        .toBe(true);

      await expect
        .poll(async () => (await page().getByTestId('kd-gain').textContent()) ?? '', {
          timeout: 60_000,
          message: 'KD gain shows a number',
        })
        .toMatch(/\d/);
    });

    it('Temperature and Alpha move mid-run, show their new values, take effect, and the run keeps stepping', async () => {
      const temperature = page().getByRole('slider', { name: /Temperature/ });
      const alpha = page().getByRole('slider', { name: /Alpha/ });
      await temperature.waitFor({ state: 'visible', timeout: 15_000 });
      await alpha.waitFor({ state: 'visible', timeout: 15_000 });
      const formula = page().getByTestId('formula');
      const formulaText = async () =>
        (await formula.count())
          ? `${await formula.getAttribute('aria-label')} ${await formula.innerText()}`
          : await page().locator('body').innerText();
      const formulaBefore = await formulaText();
      const lossChart = page().getByTestId('loss-chart');
      const markersBefore = await lossChart.locator('.recharts-reference-line').count();

      // Temperature: set a value with fill() (native range input, on its step grid).
      const t0 = await temperature.inputValue();
      const t1 = await setRange(temperature, Number(t0) === 2 ? 6 : 2);
      expect(await temperature.inputValue()).toBe(t1);
      expect(t1).not.toBe(t0);

      // Alpha: keyboard, as a person would after tabbing to it.
      const a0 = await alpha.inputValue();
      await alpha.focus();
      const key = Number(a0) >= Number((await alpha.getAttribute('max')) ?? 1) ? 'ArrowLeft' : 'ArrowRight';
      for (let i = 0; i < 3; i++) await page().keyboard.press(key);
      const a1 = await alpha.inputValue();
      expect(a1).not.toBe(a0);

      // Each slider shows its new value next to it, the formula shows the live values, and the
      // shareable URL carries them.
      for (const [slider, v] of [
        [temperature, t1],
        [alpha, a1],
      ] as const) {
        await expect
          .poll(() => shownValue(page(), slider), { message: 'value shown next to the slider' })
          .toMatch(numberPattern(v));
      }
      await expect.poll(formulaText, { message: 'formula changes' }).not.toBe(formulaBefore);
      await expect.poll(formulaText, { message: 'formula shows the new T' }).toMatch(numberPattern(t1));
      await expect.poll(formulaText, { message: 'formula shows the new alpha' }).toMatch(numberPattern(a1));
      await expect.poll(() => new URL(page().url()).searchParams.get('temperature')).toBe(t1);
      await expect.poll(() => new URL(page().url()).searchParams.get('alpha')).toBe(a1);

      // Without a restart: the counter keeps going up from where it was, and the training loop
      // reports the change as applied (a marker on the loss curves).
      const s = await readStep(page());
      expect(await counterLabel(page()), 'still distilling').toMatch(/distillation step/i);
      expect(s).toBeGreaterThan(0);
      await stepAbove(page(), s, 90_000);
      await expect
        .poll(() => lossChart.locator('.recharts-reference-line').count(), {
          timeout: 60_000,
          message: 'a marker on the loss chart',
        })
        .toBeGreaterThan(markersBefore);
    });

    it('Pause stops the counter; Step adds exactly one; Resume goes on', async () => {
      await page().getByRole('button', { name: 'Pause', exact: true }).click();
      const resume = page().getByRole('button', { name: 'Resume', exact: true });
      await resume.waitFor({ state: 'visible', timeout: 30_000 });
      // A step already running when Pause lands still finishes (seconds on SwiftShader): settle first.
      const paused = await settledStep(page());
      await sleep(3000);
      expect(await readStep(page()), 'counter must not move while paused').toBe(paused);

      await page().getByRole('button', { name: 'Step', exact: true }).click();
      await expect.poll(() => readStep(page()), { timeout: 60_000, message: 'Step adds one' }).toBe(paused + 1);
      await sleep(3000);
      expect(await readStep(page()), 'one click of Step is exactly one step').toBe(paused + 1);

      await resume.click();
      await stepAbove(page(), paused + 1, 90_000);
    });

    it('a bad CSV upload gives a clear message with the line, and the run carries on', async () => {
      const csv = 'text,label\nwhat a wonderful film,positive\nawful, boring and long,negative\nfine,neutral\n';
      const before = await readStep(page());
      await page()
        .getByLabel(/Upload/)
        .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
      const alert = page()
        .getByRole('alert')
        .filter({ hasText: /line\s*3/i });
      await expect.poll(() => alert.count(), { timeout: 15_000, message: 'an alert naming line 3' }).toBeGreaterThan(0);
      const message = (await alert.first().innerText()).trim();
      expect(message).toMatch(/field/i);
      // The page still works: the run it had keeps stepping.
      await stepAbove(page(), Math.max(before, await readStep(page())), 90_000);
    });

    it('Reset puts the step counter back to 0', async () => {
      // The run has progress, so Reset asks first (the browser's confirm dialog): accept it.
      let asked = '';
      page().once('dialog', (d) => {
        asked = d.message();
        void d.accept();
      });
      await page().getByRole('button', { name: 'Reset', exact: true }).click();
      await expect.poll(() => readStep(page()), { timeout: 30_000 }).toBe(0);
      expect(asked).toMatch(/Reset throws away this run/);
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
    reportOnFailure(() => app, 'e2e');
    afterAll(async () => {
      await app?.close().catch(() => {});
    });

    it('?backend=cpu runs on cpu, says why, and still trains', async () => {
      app = await openPage(browser!, server!.url, '/?' + TINY + '&backend=cpu');
      const page = app.page;
      const badge = page.getByTestId('backend');
      await expect.poll(async () => (await badge.textContent()) ?? '', { timeout: 60_000 }).toMatch(/\bcpu\b/i);
      // The reason for the fallback is shown (in the badge, its title, or next to it).
      const reason = [(await badge.textContent()) ?? '', (await badge.getAttribute('title')) ?? ''].join(' ');
      expect(reason, `backend badge: "${reason}"`).toMatch(/forced|request|url|backend=cpu|chosen|selected/i);

      await page.getByRole('button', { name: 'Start', exact: true }).click();
      const s1 = await stepAbove(page, 0, FIRST_STEP_MS);
      await stepAbove(page, s1, 60_000);
      expect(app.log.pageErrors, app.log.format()).toEqual([]);
    });

    // The cpu backend reaches distillation and its metrics in seconds: a quick way to lay out every
    // panel with content and check the narrow (phone) layout.
    it('fits a 390 px wide phone screen without sideways scrolling once every panel has content', async () => {
      const page = app!.page;
      await expect
        .poll(() => counterLabel(page), { timeout: 120_000, message: 'the counter counts distillation steps' })
        .toMatch(/distillation step/i);
      await stepAbove(page, 12, 120_000); // past the first distillation validation (eval-every 10)
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      await page.setViewportSize({ width: 390, height: 844 });
      await sleep(1000); // charts re-measure on resize
      const layout = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const culprits: string[] = [];
        for (const el of Array.from(document.querySelectorAll('body *'))) {
          const box = el.getBoundingClientRect();
          const parent = el.parentElement?.getBoundingClientRect();
          // Report the outermost element that sticks out, not all its children.
          if (box.width > 0 && box.right > width + 1 && (!parent || parent.right <= width + 1)) {
            const cls = (el.getAttribute('class') ?? '').trim().replace(/\s+/g, '.');
            const where =
              el.closest('[data-testid], section')?.getAttribute('data-testid') ??
              el.closest('section')?.getAttribute('aria-label') ??
              '';
            culprits.push(
              `${el.tagName.toLowerCase()}${cls ? '.' + cls : ''} (${Math.round(box.width)} px wide, right edge at ${Math.round(box.right)} px${where ? ', in ' + where : ''})`,
            );
          }
        }
        return { width, scrollWidth: document.documentElement.scrollWidth, culprits: culprits.slice(0, 10) };
      });
      expect(
        layout.scrollWidth,
        `page is ${layout.scrollWidth} px wide at a ${layout.width} px viewport; sticking out: ${layout.culprits.join('; ')}`,
      ).toBeLessThanOrEqual(layout.width);
    });
  });
});
