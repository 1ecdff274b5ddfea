// End to end (issue 11, the fault suite), in the built app with the real worker (wasm, tiny models):
// a reload, or the browser process killed mid-run, offers the last checkpoint, and the run goes on
// from its step to the end (paused if it was saved on pause); storage that is full evicts old runs
// with a message, then turns checkpoints off while training goes on; a stored run that is
// malformed, or whose checkpoint is damaged (a flipped byte; a NaN under a valid checksum), is said
// so, and Delete/Keep do what they say. Runs already kept (the runs table) are checked after each
// fault. A divergence and a lost WebGPU device cannot be caused from the page with a real config
// (lr 0.1 without clipping and a wide student only spike the loss; the device lives in the worker):
// src/worker/faults.test.ts and src/worker/deviceLoss.test.ts force them in Node, and
// src/ui/FaultPanel.test.tsx shows the page's side of a fault event.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportOnFailure } from './fixtures';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  firstInt,
  launchBrowser,
  openPage,
  PageLog,
  startPreview,
  type AppPage,
  type PreviewServer,
} from './harness';

const RUN = process.env.DP_E2E === '1';

/** Tiny models on wasm: a few hundred steps take seconds; checkpoints every 100 steps (CHECKPOINT_EVERY). */
const tiny = (teacherSteps: number, steps: number) =>
  new URLSearchParams({
    task: 'sentiment',
    seed: '1',
    teacher: 'tiny',
    student: 'tiny',
    'teacher-steps': String(teacherSteps),
    steps: String(steps),
    'eval-every': '50',
    'batch-size': '16',
    labelled: '64',
    transfer: '128',
    backend: 'wasm',
  }).toString();

const LONG = tiny(400, 200);
const SHORT = tiny(20, 20);

/** What the active-run slot holds, read straight from IndexedDB (null: empty). */
interface Slot {
  phase: string;
  step: number;
  paused: boolean;
}

function readSlot(page: Page): Promise<Slot | null> {
  return page.evaluate(
    () =>
      new Promise<Slot | null>((res, rej) => {
        const open = indexedDB.open('distillation-playground');
        open.onerror = () => rej(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('activeRun').objectStore('activeRun').get('current');
          get.onerror = () => rej(get.error);
          get.onsuccess = () => {
            db.close();
            const v = get.result as { checkpoint: { phase: string; step: number }; paused?: boolean } | undefined;
            res(v ? { phase: v.checkpoint.phase, step: v.checkpoint.step, paused: v.paused === true } : null);
          };
        };
      }),
  );
}

/**
 * Damages the stored active run in place: `malformed` replaces it with a record that has no save
 * time; `flipByte` flips one byte in the middle of its checkpoint (the record still parses);
 * `nanUnderValidCrc` makes the checkpoint's first float NaN and writes its CRC32 anew (layout in
 * src/train/checkpointCodec.ts), so only a look at the values can tell. (No eval: the app's
 * Content-Security-Policy refuses it, so the damages are spelled out here.)
 */
function damageSlot(page: Page, damage: 'malformed' | 'flipByte' | 'nanUnderValidCrc'): Promise<void> {
  return page.evaluate(
    (damage) =>
      new Promise<void>((res, rej) => {
        const open = indexedDB.open('distillation-playground');
        open.onerror = () => rej(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('activeRun', 'readwrite');
          const store = tx.objectStore('activeRun');
          const get = store.get('current');
          get.onsuccess = () => {
            const r = get.result as { checkpoint: { bytes: ArrayBuffer } } | undefined;
            if (damage === 'malformed') store.put({ version: 1, savedAt: 'yesterday' }, 'current');
            else if (!r) rej(new Error('no stored run to damage'));
            else if (damage === 'flipByte') {
              const b = new Uint8Array(r.checkpoint.bytes);
              b[b.length >> 1] ^= 0xff;
              store.put(r, 'current');
            } else {
              const view = new DataView(r.checkpoint.bytes);
              view.setFloat32(20 + view.getUint32(8, true), NaN, true);
              const bytes = new Uint8Array(r.checkpoint.bytes, 20);
              let c = 0xffffffff;
              for (const byte of bytes) {
                c ^= byte;
                for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
              }
              view.setUint32(16, ~c >>> 0, true);
              store.put(r, 'current');
            }
          };
          tx.oncomplete = () => {
            db.close();
            res();
          };
          tx.onerror = () => rej(tx.error);
        };
      }),
    damage,
  );
}

const readStep = async (page: Page) => firstInt(await page.getByTestId('step').textContent());
const controls = (page: Page) => page.getByRole('region', { name: 'Run controls' });
const runRows = (page: Page) => page.getByTestId('runs-row').allInnerTexts();

/** Damages the stored checkpoint, reloads and presses Resume: the worker's refusal, shown as a stored problem. */
async function resumeDamaged(page: Page, damage: 'flipByte' | 'nanUnderValidCrc'): Promise<Locator> {
  await damageSlot(page, damage);
  await page.reload({ waitUntil: 'load' });
  const offer = page.getByTestId('resume-offer');
  await offer.waitFor({ timeout: 30_000 });
  await offer.getByRole('button', { name: 'Resume', exact: true }).click();
  const problem = page.getByTestId('stored-problem');
  await problem.waitFor({ timeout: 60_000 });
  return problem;
}

async function waitDone(page: Page): Promise<void> {
  await expect
    .poll(() => page.getByTestId('phase').innerText(), { timeout: 240_000, message: 'the run ends' })
    .toBe('done');
}

/** Starts a run and waits until it steps. */
async function startRun(page: Page): Promise<void> {
  await controls(page).getByRole('button', { name: 'Start', exact: true }).click();
  await expect.poll(() => readStep(page), { timeout: 120_000, message: 'the run steps' }).toBeGreaterThan(0);
}

/**
 * Pauses the run on screen and returns the step it paused at: that of the pause's checkpoint, which
 * is stored at once and marked as taken on pause (the counter catches up: points come in batches);
 * with `stored: false` (storage full), the counter as it reads once paused.
 */
async function pauseRun(page: Page, { stored = true } = {}): Promise<number> {
  await controls(page).getByRole('button', { name: 'Pause', exact: true }).click();
  await controls(page).getByRole('button', { name: 'Resume', exact: true }).waitFor({ timeout: 30_000 });
  if (!stored) return readStep(page); // checkpoints are off
  let slot: Slot | null = null;
  await expect
    .poll(async () => (slot = await readSlot(page))?.paused, { timeout: 20_000, message: 'the pause is stored' })
    .toBe(true);
  const step = slot!.step;
  await expect.poll(() => readStep(page), { timeout: 10_000, message: 'the counter shows the pause' }).toBe(step);
  return step;
}

/** Says yes to the page's "Leave site?" prompt (a run with progress asks before a reload). */
function leaveWithoutAsking(page: Page): Page {
  page.on('dialog', (d) => void d.accept());
  return page;
}

describe.skipIf(!RUN)('fault suite: reload, corrupted stored run', () => {
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  let app: AppPage | undefined;
  let page: Page;
  reportOnFailure(() => app, 'faults');

  beforeAll(async () => {
    server = await startPreview();
    browser = await launchBrowser();
    app = await openPage(browser, server.url, '/?' + LONG);
    page = leaveWithoutAsking(app.page);
  });
  afterAll(async () => {
    await app?.close();
    await browser?.close();
    await server?.stop();
  });

  it('a run paused, then reloaded, is offered at its step, resumes paused with its curves, and runs to the end', async () => {
    await startRun(page);
    const n = await pauseRun(page);
    // The pause's checkpoint is written at once, marked as taken on pause.
    await expect
      .poll(() => readSlot(page), { timeout: 20_000, message: 'the pause checkpoint is stored' })
      .toEqual({ phase: 'teacher', step: n, paused: true });

    await page.reload({ waitUntil: 'load' });
    const offer = page.getByTestId('resume-offer');
    await offer.waitFor({ timeout: 30_000 });
    expect(await offer.innerText()).toContain(`Resume the run from teacher step ${n} (saved`);
    expect(await readStep(page)).toBe(0); // nothing on screen until the visitor answers

    await offer.getByRole('button', { name: 'Resume', exact: true }).click();
    expect(await offer.count()).toBe(0);
    // It comes back as it was left: paused at n, its curve up to n drawn again.
    await controls(page).getByRole('button', { name: 'Resume', exact: true }).waitFor({ timeout: 30_000 });
    expect(await readStep(page)).toBe(n);
    expect(await page.getByTestId('step-label').innerText()).toMatch(/teacher/i);
    expect(await page.getByTestId('resumed').innerText()).toBe(`Resumed from the checkpoint at teacher step ${n}.`);
    const paths = await page
      .getByTestId('loss-chart')
      .locator('.recharts-line path, path.recharts-curve')
      .evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''));
    expect(paths.filter((d) => /^M[^M]*L/.test(d.trim())).length).toBeGreaterThan(0);
    await page.waitForTimeout(1500);
    expect(await readStep(page), 'a run resumed paused does not step').toBe(n);

    await controls(page).getByRole('button', { name: 'Resume', exact: true }).click();
    await expect.poll(() => readStep(page), { timeout: 60_000 }).toBeGreaterThan(n);
    await waitDone(page);
    // Finished: kept in the runs table, and its checkpoint is no longer stored.
    await expect.poll(() => runRows(page), { timeout: 20_000 }).toHaveLength(1);
    await expect.poll(() => readSlot(page), { timeout: 20_000 }).toBeNull();
  });

  it('a malformed stored run is said to be unreadable; Keep leaves it, Delete removes it; kept runs untouched', async () => {
    const kept = await runRows(page);
    await damageSlot(page, 'malformed');
    await page.reload({ waitUntil: 'load' });
    const problem = page.getByTestId('stored-problem');
    await problem.waitFor({ timeout: 30_000 });
    expect(await problem.getAttribute('data-kind')).toBe('unreadable');
    expect(await problem.locator('p').innerText()).toBe(
      'The run saved in this browser cannot be resumed: it has no save time. Your kept runs are not affected.',
    );
    expect(await page.getByTestId('resume-offer').count()).toBe(0);
    await expect.poll(() => runRows(page), { timeout: 20_000 }).toEqual(kept);

    await problem.getByRole('button', { name: 'Keep it' }).click();
    expect(await problem.count()).toBe(0);
    await page.reload({ waitUntil: 'load' });
    await problem.waitFor({ timeout: 30_000 }); // kept: said again at the next load

    await problem.getByRole('button', { name: 'Delete it' }).click();
    await expect.poll(() => readSlot(page).catch((e: Error) => e.message), { timeout: 10_000 }).toBeNull();
    await page.reload({ waitUntil: 'load' });
    await expect.poll(() => runRows(page), { timeout: 20_000 }).toEqual(kept);
    expect(await problem.count()).toBe(0);
    expect(await page.getByTestId('resume-offer').count()).toBe(0);
  });

  it('a stored checkpoint with damaged bytes is refused by the worker in words; Delete removes it', async () => {
    const kept = await runRows(page);
    await startRun(page);
    const n = await pauseRun(page);
    await expect.poll(() => readSlot(page), { timeout: 20_000 }).toEqual({ phase: 'teacher', step: n, paused: true });
    // One byte of the weights flipped: the record still parses, the checkpoint's CRC32 no longer matches.
    const problem = await resumeDamaged(page, 'flipByte');
    expect(await problem.getAttribute('data-kind')).toBe('refused');
    expect(await problem.locator('p').innerText()).toBe(
      'The saved checkpoint could not be restored: cannot resume: the checkpoint is corrupted (its CRC32 checksum ' +
        'does not match its contents); it cannot be resumed. Your kept runs are not affected.',
    );
    await expect.poll(() => runRows(page), { timeout: 20_000 }).toEqual(kept);
    expect(await readSlot(page)).toEqual({ phase: 'teacher', step: n, paused: true }); // left until the visitor chooses

    await problem.getByRole('button', { name: 'Delete it' }).click();
    await expect.poll(() => readSlot(page), { timeout: 10_000 }).toBeNull();
    // The page is usable: a fresh run starts and steps.
    await startRun(page);
    await expect.poll(() => runRows(page), { timeout: 20_000 }).toEqual(kept);
  });

  it('a stored checkpoint with a NaN under a valid checksum is refused by the worker, naming the value', async () => {
    const kept = await runRows(page);
    // The run started by the test before is under way.
    const n = await pauseRun(page);
    await expect.poll(() => readSlot(page), { timeout: 20_000 }).toEqual({ phase: 'teacher', step: n, paused: true });
    const problem = await resumeDamaged(page, 'nanUnderValidCrc');
    expect(await problem.getAttribute('data-kind')).toBe('refused');
    expect(await problem.locator('p').innerText()).toMatch(
      /^The saved checkpoint could not be restored: cannot resume: the checkpoint holds a value that is not finite \(\S+ \[0\] = NaN\)\. Your kept runs are not affected\.$/,
    );
    expect(await readStep(page)).toBe(n); // nothing stepped from it
    await problem.getByRole('button', { name: 'Delete it' }).click();
    await expect.poll(() => readSlot(page), { timeout: 10_000 }).toBeNull();
    await expect.poll(() => runRows(page), { timeout: 20_000 }).toEqual(kept);
  });

  it('threw no uncaught errors', () => {
    expect(app!.log.pageErrors, app!.log.format()).toEqual([]);
  });
});

describe.skipIf(!RUN)('fault suite: the browser killed mid-run', () => {
  let server: PreviewServer | undefined;
  let userDataDir = '';
  let context: BrowserContext | undefined;
  let page: Page;
  const log = new PageLog();
  reportOnFailure(() => (context ? { context, page, log, close: async () => {} } : undefined), 'faults-crash');

  /** Chromium with a profile on disk (IndexedDB survives it), as a visitor's browser. */
  async function launch(): Promise<Page> {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      locale: 'en-US',
    });
    page = leaveWithoutAsking(context.pages()[0] ?? (await context.newPage()));
    log.attach(page);
    return page;
  }

  /** SIGKILL to this profile's browser process: no unload, no pending write flushed, as a crash or power cut. */
  async function killBrowser(): Promise<void> {
    const ps = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    const line = ps.split('\n').find((l) => l.includes(`--user-data-dir=${userDataDir}`));
    if (!line) throw new Error(`no browser process with --user-data-dir=${userDataDir} among:\n${ps}`);
    process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
    await Promise.race([context!.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    context = undefined;
  }

  beforeAll(async () => {
    server = await startPreview();
    userDataDir = mkdtempSync(join(tmpdir(), 'dp-faults-'));
  });
  afterAll(async () => {
    await context?.close();
    await server?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('is offered at the last stored step after a restart; the run continues from it, not from 0; kept runs stay', async () => {
    await launch();
    await page.goto(server!.url + '/?' + SHORT, { waitUntil: 'load' });
    await startRun(page);
    await waitDone(page);
    await expect.poll(() => runRows(page), { timeout: 20_000 }).toHaveLength(1);
    const kept = await runRows(page);

    await page.goto(server!.url + '/?' + LONG, { waitUntil: 'load' });
    await startRun(page);
    // A checkpoint past the run's start: teacher step 100, 200… (every 100 steps) or a distillation
    // step (the slot is written at most every 5 s, the latest winning, so it may skip a few).
    const pastStart = (x: Slot | null) => x !== null && (x.phase === 'distill' || x.step >= 100);
    await expect
      .poll(async () => pastStart(await readSlot(page)), { timeout: 120_000, message: 'a checkpoint past the start' })
      .toBe(true);
    await killBrowser();

    await launch();
    await page.goto(server!.url + '/?' + LONG, { waitUntil: 'load' });
    const offer = page.getByTestId('resume-offer');
    await offer.waitFor({ timeout: 30_000 });
    const slot = await readSlot(page);
    expect(pastStart(slot)).toBe(true);
    expect(slot!.paused).toBe(false);
    const phaseWord = slot!.phase === 'teacher' ? 'teacher' : 'distillation';
    expect(await offer.innerText()).toContain(`Resume the run from ${phaseWord} step ${slot!.step} (saved`);
    await expect
      .poll(() => runRows(page), { timeout: 20_000, message: 'the runs table kept what it had' })
      .toEqual(kept);

    await offer.getByRole('button', { name: 'Resume', exact: true }).click();
    expect(await page.getByTestId('resumed').innerText()).toBe(
      `Resumed from the checkpoint at ${phaseWord} step ${slot!.step}.`,
    );
    expect(await page.getByTestId('step-label').innerText()).toMatch(
      slot!.phase === 'teacher' ? /teacher/i : /distil/i,
    );
    // Running again from the checkpoint: the counter never shows less than its step in its phase.
    const seen: number[] = [];
    await expect
      .poll(
        async () => {
          seen.push(await readStep(page));
          return seen.at(-1);
        },
        { timeout: 60_000 },
      )
      .toBeGreaterThan(slot!.step);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(slot!.step);
    await waitDone(page);
    await expect.poll(() => runRows(page), { timeout: 20_000 }).toHaveLength(kept.length + 1);
    await expect.poll(() => readSlot(page), { timeout: 20_000 }).toBeNull();
  });

  it('threw no uncaught errors', () => {
    expect(log.pageErrors, log.format()).toEqual([]);
  });
});

describe.skipIf(!RUN)('fault suite: storage full', () => {
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  let app: AppPage | undefined;
  reportOnFailure(() => app, 'faults-quota');

  beforeAll(async () => {
    server = await startPreview();
    browser = await launchBrowser();
    app = await openPage(browser, server.url, '/');
    leaveWithoutAsking(app.page);
    // Writes to the active-run slot fail with the browser's quota error while __quotaFailures > 0
    // (Infinity: storage stays full); the runs table's writes are left alone.
    await app.context.addInitScript(() => {
      const w = window as unknown as { __quotaFailures: number };
      w.__quotaFailures = 0;
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
        if (this.name === 'activeRun' && w.__quotaFailures > 0) {
          w.__quotaFailures--;
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        }
        return put.apply(this, args);
      };
    });
    await app.page.goto(server.url + '/?' + SHORT, { waitUntil: 'load' });
  });
  afterAll(async () => {
    await app?.close();
    await browser?.close();
    await server?.stop();
  });

  const setFailures = (n: number) =>
    app!.page.evaluate((n) => ((window as unknown as { __quotaFailures: number }).__quotaFailures = n), n);

  it('full once: the oldest kept run is evicted and named, then the checkpoint is stored; training goes on', async () => {
    const page = app!.page;
    await startRun(page);
    await waitDone(page);
    await expect.poll(() => runRows(page), { timeout: 20_000 }).toHaveLength(1);
    const [row] = await runRows(page);

    await page.goto(server!.url + '/?' + LONG, { waitUntil: 'load' });
    await expect.poll(() => runRows(page), { timeout: 20_000 }).toHaveLength(1);
    await setFailures(1);
    await startRun(page);
    const notice = page.getByTestId('storage-notice');
    await notice.waitFor({ timeout: 30_000 });
    const text = await notice.innerText();
    expect(text).toMatch(
      /^Storage was full, so the oldest kept runs \(1\) were deleted to make room for this run’s checkpoint: (.+)\. Dismiss$/,
    );
    const title = /checkpoint: (.+)\. Dismiss$/.exec(text)![1];
    expect(row).toContain(title);
    await expect.poll(() => runRows(page), { timeout: 20_000 }).toHaveLength(0);
    await expect.poll(() => readSlot(page), { timeout: 20_000 }).not.toBeNull();
    const now = await readStep(page);
    await expect.poll(() => readStep(page), { timeout: 60_000 }).toBeGreaterThan(now);
  });

  it('full for good: checkpoints are off, said so; the run keeps training and the last stored checkpoint stays', async () => {
    const page = app!.page;
    const before = await readSlot(page);
    expect(before).not.toBeNull();
    await setFailures(Infinity);
    await page.getByTestId('storage-notice').getByRole('button', { name: 'Dismiss' }).click();
    const n = await pauseRun(page, { stored: false }); // a pause's checkpoint is written at once, and fails
    const notice = page.getByTestId('storage-notice');
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.innerText()).toBe(
      'Storage is full: checkpoints are off for this run. It keeps training, but a reload cannot resume it. Dismiss',
    );
    expect(await readSlot(page)).toEqual(before); // the earlier checkpoint is not lost
    await controls(page).getByRole('button', { name: 'Resume', exact: true }).click();
    await expect.poll(() => readStep(page), { timeout: 60_000 }).toBeGreaterThan(n);
    expect(await page.getByTestId('error').count()).toBe(0);
  });

  it('threw no uncaught errors', () => {
    expect(app!.log.pageErrors, app!.log.format()).toEqual([]);
  });
});
