// The Experiments view (issue 10) end to end on the browser's WASM backend (backend=wasm): open it
// from the page with the keyboard, choose a small sweep (the default scenario's shipped teacher, tiny
// students, a 2 × 2 grid, one seed, every control, 20 steps), start it, and watch the heat-map's
// cells get numbers from the sweep worker, the controls and calibration fill in, and the reading
// appear; then axe-core on the page, and no console error.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  openPage,
  startPreview,
  type AppPage,
  type PreviewServer,
  seriousAxeViolations,
} from './harness';
import { reportOnFailure } from './fixtures';

const RUN = process.env.DP_E2E === '1';

describe.skipIf(!RUN)('Experiments: a small sweep in the built app, on wasm', () => {
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  let app: AppPage | undefined;
  const page = () => app!.page;

  beforeAll(async () => {
    server = await startPreview();
    browser = await launchBrowser();
    app = await openPage(browser, server.url, '/?backend=wasm');
  }, 120_000);

  afterAll(async () => {
    await app?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  reportOnFailure(() => app, 'experiments');

  it('opens from the keyboard and starts a small sweep', async () => {
    const summary = page().locator('#experiments > summary');
    await summary.focus();
    await page().keyboard.press('Enter');
    await expect.poll(() => page().getByTestId('sweep-form').isVisible(), { timeout: 10_000 }).toBe(true);
    const p = page();
    // tiny students only, one seed, T ∈ {1, 4} × α ∈ {0.5, 0.9}, 20 steps, evaluated at 10 and 20.
    await p.getByRole('checkbox', { name: 'tiny' }).check();
    await p.getByRole('checkbox', { name: 'student-s' }).uncheck();
    await p.getByRole('group', { name: /Seeds/ }).getByRole('checkbox', { name: '2' }).uncheck();
    await p.getByRole('spinbutton', { name: /^steps/ }).fill('20');
    await p.getByRole('spinbutton', { name: /^evaluate every/ }).fill('10');
    await expect
      .poll(async () => (await p.getByTestId('experiments').textContent()) ?? '')
      .toMatch(/8 students per stack, 1 stack/);
    await p.getByTestId('sweep-start').click();
    await expect
      .poll(async () => p.getByTestId('sweep-status').getAttribute('data-status'), { timeout: 10_000 })
      .not.toBe('idle');
  });

  it('fills the heat-map with numbers, then the controls, calibration and the reading', async () => {
    const p = page();
    await expect.poll(async () => p.getByTestId('sweep-cell').count(), { timeout: 180_000, interval: 500 }).toBe(4);
    for (const text of await p.getByTestId('sweep-cell').allTextContents())
      expect(text).toMatch(/[+−]\d+\.\d pts± \d+\.\d pts\d+\.\d%/);
    await expect
      .poll(async () => p.getByTestId('sweep-status').getAttribute('data-status'), { timeout: 180_000, interval: 500 })
      .toBe('done');
    const heatmap = p.getByTestId('sweep-heatmap');
    expect(await heatmap.textContent()).toMatch(/validation at step 20 of 20/);
    expect(await heatmap.getByRole('img').getAttribute('aria-label')).toMatch(
      /T = 4, α = 0\.9: [+−]\d+\.\d pts ± \d+\.\d pts/,
    );
    for (const control of ['random-teacher', 'permuted', 'label-smoothing']) {
      expect(await p.getByTestId(`sweep-control-${control}`).textContent()).toMatch(
        /\d+\.\d%[+−]\d+\.\d pts ± \d+\.\d pts/,
      );
    }
    expect(await p.getByTestId('sweep-calibration').textContent()).toMatch(/temperature-scaled \(T = \d+\.\d\d\)/);
    expect(await p.getByTestId('sweep-reading').textContent()).toMatch(/Best cell: T = \d, α = 0\.\d/);
    expect(await p.getByTestId('experiments').textContent()).toMatch(
      /Memory estimate before the start: [\d.]+ MiB for 8 students/,
    );
  });

  it('axe-core: no serious or critical WCAG 2 AA violation with the results shown, light and dark; no console error', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page().emulateMedia({ colorScheme });
      await page().waitForTimeout(500);
      expect(await seriousAxeViolations(page()), colorScheme).toEqual([]);
    }
    expect(app!.log.errors(), app!.log.format()).toEqual([]);
  });
});
