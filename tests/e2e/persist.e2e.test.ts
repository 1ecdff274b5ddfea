// End to end (issue 11, client side), in the built app with the real worker: a valid CSV uploaded
// while a sentiment run trains is staged for the next run (said in the task panel; the running
// run's task description and examples stay sentiment's), and the uploaded file is stored in this
// browser's IndexedDB and sent to the worker again when the page is opened anew. The wasm backend
// keeps it quick: nothing here depends on WebGPU.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportOnFailure } from './fixtures';
import { firstInt, launchBrowser, openPage, startPreview, type AppPage, type PreviewServer } from './harness';

const RUN = process.env.DP_E2E === '1';

const TINY = new URLSearchParams({
  task: 'sentiment',
  seed: '1',
  teacher: 'tiny',
  student: 'tiny',
  'teacher-steps': '200',
  steps: '200',
  'eval-every': '50',
  'batch-size': '16',
  labelled: '64',
  transfer: '128',
  backend: 'wasm',
}).toString();

/** A valid text,label CSV: 24 rows over three labels. */
const CSV = [
  'text,label',
  ...Array.from({ length: 8 }, (_, i) => `pizza and pasta number ${i},food`),
  ...Array.from({ length: 8 }, (_, i) => `a football match number ${i},sport`),
  ...Array.from({ length: 8 }, (_, i) => `rain and wind number ${i},weather`),
].join('\n');

async function readStep(page: Page): Promise<number> {
  return firstInt(await page.getByTestId('step').textContent());
}

describe.skipIf(!RUN)('nothing lost: uploads', () => {
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  let app: AppPage | undefined;
  let again: Page | undefined;
  reportOnFailure(() => app, 'persist');

  beforeAll(async () => {
    server = await startPreview();
    browser = await launchBrowser();
    app = await openPage(browser, server.url, '/?' + TINY);
  });
  afterAll(async () => {
    await again?.close();
    await app?.close();
    await browser?.close();
    await server?.stop();
  });

  it('a CSV uploaded during a run is staged; the running run keeps its task and examples', async () => {
    const page = app!.page;
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => readStep(page), { timeout: 120_000, message: 'the run steps' }).toBeGreaterThan(0);
    const description = await page.locator('.task-card .description').innerText();
    expect(description).toMatch(/AFINN/);

    await page
      .getByLabel(/Upload/)
      .setInputFiles({ name: 'topics.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
    const staged = page.getByTestId('upload-staged');
    await expect.poll(() => staged.count(), { timeout: 20_000, message: 'the staged notice' }).toBe(1);
    expect(await staged.innerText()).toBe('Staged for the next run: topics.csv — the running run keeps its data.');
    expect(await page.locator('.task-card select').inputValue()).toBe('sentiment');
    expect(await page.locator('.task-card .description').innerText()).toBe(description);
    const examples = await page.locator('.input-picker select option').allInnerTexts();
    expect(examples.some((e) => /pizza|football|rain/.test(e))).toBe(false);
    // The run goes on.
    const now = await readStep(page);
    await expect.poll(() => readStep(page), { timeout: 60_000 }).toBeGreaterThan(now);
  });

  it('the uploaded file comes back when the page is opened again', async () => {
    // A second tab of the same browser profile (same IndexedDB): the page's own settings stay sentiment.
    again = await app!.context.newPage();
    await again.goto(server!.url + '/?' + TINY, { waitUntil: 'load' });
    const loaded = again.getByText(/Loaded topics\.csv: .*3 classes/);
    await expect.poll(() => loaded.count(), { timeout: 60_000, message: 'the stored file is sent again' }).toBe(1);
    expect(await again.locator('.task-card select').inputValue()).toBe('sentiment');
    // Choosing "Your CSV" now uses the restored file: the task is described with its labels.
    await again.locator('.task-card select').selectOption('custom-csv');
    await expect
      .poll(() => again!.locator('.task-card .description').innerText(), { timeout: 30_000 })
      .toMatch(/food, sport, weather/);
  });

  it('threw no uncaught errors', () => {
    expect(app!.log.pageErrors, app!.log.format()).toEqual([]);
  });
});
