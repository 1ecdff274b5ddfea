// @vitest-environment jsdom
// Issue 11, client side: a run under way is kept with its latest checkpoint and offered after a
// reload; discard deletes it; storage full evicts the oldest kept runs (said, then retried); a
// corrupt saved run is reported and left or deleted as the visitor chooses; the uploaded file comes
// back after a reload. The worker is simulated by posting protocol events; a "reload" is a new
// controller (and page) on the same fake IndexedDB.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openActiveRunDb, type ActiveRunDb } from '../client/activeRunDb';
import { ACTIVE_RUN_VERSION, configToRecordUrl } from '../client/activeRunRecord';
import { Controller, type WorkerPort } from '../client/controller';
import type { StoredRecord } from '../client/runRecord';
import { ACTIVE_STORE, DB_NAME, openRunsDb, type DbResult } from '../client/runsDb';
import { initialState } from '../client/state';
import { createStore } from '../client/store';
import { DEFAULT_CONFIG, type RunConfig } from '../config';
import type { LossPoint, WorkerCommand, WorkerEvent } from '../worker/protocol';
import { ControllerContext } from './context';
import { RunControls } from './RunControls';
import { TaskPanel } from './TaskPanel';

const CONFIG: RunConfig = { ...DEFAULT_CONFIG, seed: 7, steps: 40 };

const point = (phase: 'teacher' | 'distill', step: number, total: number): LossPoint => ({
  phase,
  step,
  lr: 1e-3,
  temperature: 4,
  alpha: 0.7,
  values: phase === 'teacher' ? { total } : { total, baseline: total + 1 },
});

/** Distinct bytes, so a test can tell one checkpoint from another. */
const bytesOf = (...values: number[]) => new Uint8Array(values).buffer;

interface Page {
  c: Controller;
  sent: WorkerCommand[];
  emit(e: WorkerEvent): void;
  settle(): Promise<void>;
}

/** One page load: a controller on the (fake) IndexedDB of this browser, its run controls and task panel. */
function openPage(opts: { activeDb?: Promise<DbResult<ActiveRunDb>>; persist?: () => Promise<boolean> } = {}): Page {
  cleanup();
  const sent: WorkerCommand[] = [];
  const port: WorkerPort = { postMessage: (cmd) => sent.push(cmd), onmessage: null };
  const store = createStore(initialState(CONFIG));
  const c = new Controller(store, port, () => {}, openRunsDb(), null, {
    db: opts.activeDb ?? openActiveRunDb(),
    minGapMs: 0,
    persist: opts.persist ?? null,
  });
  render(
    <ControllerContext.Provider value={c}>
      <RunControls />
      <TaskPanel />
    </ControllerContext.Provider>,
  );
  const emit = (e: WorkerEvent) => act(() => port.onmessage!({ data: e } as MessageEvent<WorkerEvent>));
  const settle = () =>
    act(async () => {
      for (let i = 0; i < 3; i++) {
        await c.keeper.settled();
        await c.runs.settled();
      }
    });
  return { c, sent, emit, settle };
}

/** A run taught to step 3 of distillation, checkpointed at step 2 (its step-3 point came before the write). */
async function runToCheckpoint(page: Page, checkpoint = bytesOf(1, 2, 3)): Promise<number> {
  const runId = page.c.start();
  page.emit({ type: 'phase', runId, phase: 'teacher', detail: '', totalSteps: 2 });
  page.emit({ type: 'points', runId, points: [point('teacher', 1, 3), point('teacher', 2, 2.5)], speed: null });
  page.emit({ type: 'phase', runId, phase: 'distill', detail: '', totalSteps: 40 });
  page.emit({
    type: 'points',
    runId,
    points: [point('distill', 1, 2), point('distill', 2, 1.8), point('distill', 3, 1.7)],
    speed: null,
  });
  page.emit({ type: 'eval', runId, report: { phase: 'distill', step: 2, split: 'val', student: undefined } });
  page.emit({ type: 'eval', runId, report: { phase: 'distill', step: 3, split: 'val' } });
  page.emit({ type: 'checkpoint', runId, phase: 'distill', step: 2, reason: 'interval', bytes: checkpoint });
  await page.settle();
  return runId;
}

async function rawActive(): Promise<unknown> {
  const raw = await openDB(DB_NAME);
  const v: unknown = await raw.get(ACTIVE_STORE, 'current');
  raw.close();
  return v;
}

/** A kept run; `points` makes it big (a long curve), so evicting it alone frees enough. */
const storedRun = (id: string, createdAt: number, title: string, points = 0): StoredRecord => ({
  kind: 'run',
  id,
  createdAt,
  title,
  url: '?task=sentiment',
  metrics: {},
  curves: {
    'distill.loss.total': { scale: 'nats', points: Array.from({ length: points }, (_, i) => ({ step: i, value: 1 })) },
  },
  end: { kind: 'done' },
  marks: [],
});

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});
afterEach(cleanup);

describe('a run under way survives a reload', () => {
  it('offers to resume from the checkpoint, sends start with the same bytes, and redraws the curves up to its step', async () => {
    const first = openPage();
    await first.settle();
    await runToCheckpoint(first, bytesOf(9, 8, 7, 6));

    const page = openPage(); // reload
    await page.settle();
    const offer = screen.getByTestId('resume-offer');
    expect(offer.textContent).toMatch(/^Resume the run from distillation step 2 \(saved \d\d:\d\d\)\?/);
    const resume = screen.getByRole('button', { name: 'Resume' });
    resume.focus(); // a plain button: reachable and pressed from the keyboard
    expect(document.activeElement).toBe(resume);
    fireEvent.click(resume);

    const start = page.sent.find((c) => c.type === 'start');
    expect(start).toMatchObject({ type: 'start', config: CONFIG, paused: false });
    expect(start?.type === 'start' && [...new Uint8Array(start.resume!)]).toEqual([9, 8, 7, 6]);
    const run = page.c.store.getState().run;
    expect(run.runId).toBe(start?.type === 'start' && start.runId);
    // Up to the checkpoint's step: the teacher phase whole, distillation to step 2 (step 3 is recomputed).
    expect(run.teacherLoss.map((r) => r.step)).toEqual([1, 2]);
    expect(run.distillLoss.map((r) => [r.step, r.total])).toEqual([
      [1, 2],
      [2, 1.8],
    ]);
    expect(run.distillAccuracy.map((r) => r.step)).toEqual([2]);
    expect(run.distillStep).toBe(2);
    expect(screen.queryByTestId('resume-offer')).toBeNull();
    expect(screen.getByTestId('resumed').textContent).toBe('Resumed from the checkpoint at distillation step 2.');
    expect(page.c.store.getState().config).toEqual(CONFIG);
  });

  it('Discard deletes the stored run at once, and the next load offers nothing', async () => {
    const first = openPage();
    await runToCheckpoint(first);
    const page = openPage();
    await page.settle();
    fireEvent.click(screen.getByRole('button', { name: 'Discard' }));
    await page.settle();
    expect(screen.queryByTestId('resume-offer')).toBeNull();
    expect(await rawActive()).toBeUndefined();
    expect(page.sent.some((c) => c.type === 'start')).toBe(false);
    const again = openPage();
    await again.settle();
    expect(screen.queryByTestId('resume-offer')).toBeNull();
  });

  it('clears the stored run when the run finishes or is reset, and keeps only the latest checkpoint', async () => {
    const page = openPage();
    const runId = await runToCheckpoint(page, bytesOf(1));
    page.emit({ type: 'checkpoint', runId, phase: 'distill', step: 3, reason: 'pause', bytes: bytesOf(2) });
    await page.settle();
    const stored = (await rawActive()) as { checkpoint: { step: number; bytes: ArrayBuffer } };
    expect(stored.checkpoint.step).toBe(3);
    expect([...new Uint8Array(stored.checkpoint.bytes)]).toEqual([2]);
    page.emit({ type: 'phase', runId, phase: 'done', detail: '', totalSteps: 0 });
    await page.settle();
    expect(await rawActive()).toBeUndefined();

    const next = await runToCheckpoint(page);
    expect(next).toBe(runId + 1);
    expect(await rawActive()).toBeDefined();
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    await page.settle();
    expect(await rawActive()).toBeUndefined();
  });
});

describe('storage full', () => {
  it('asks for persistent storage once, evicts the oldest kept runs with a message naming them, and retries', async () => {
    const runs = await openRunsDb();
    if (!runs.ok) throw new Error(runs.error.message);
    // The oldest is big enough (by its estimated size) to make room for the checkpoint: only it goes.
    await runs.value.put(storedRun('old', 1000, 'the oldest run', 5000));
    await runs.value.put(storedRun('new', 5000, 'the newest run', 5000));
    runs.value.close();
    const real = await openActiveRunDb();
    if (!real.ok) throw new Error(real.error.message);
    // The first write finds storage full (as the browser says it); the retry, after the eviction, fits.
    const quota = new DOMException('the quota has been exceeded', 'QuotaExceededError');
    const putActive = vi
      .fn<ActiveRunDb['putActive']>()
      .mockResolvedValueOnce({ ok: false, error: { kind: 'quota', message: quota.message } })
      .mockImplementation((r) => real.value.putActive(r));
    const persist = vi.fn(() => Promise.resolve(true));
    const page = openPage({ activeDb: Promise.resolve({ ok: true, value: { ...real.value, putActive } }), persist });
    await page.settle();
    const runId = await runToCheckpoint(page);
    page.emit({ type: 'checkpoint', runId, phase: 'distill', step: 3, reason: 'interval', bytes: bytesOf(3) });
    await page.settle();

    expect(persist).toHaveBeenCalledTimes(1);
    expect(putActive).toHaveBeenCalledTimes(3); // full, retried after the eviction, then the next checkpoint
    expect(screen.getByTestId('storage-notice').textContent).toContain(
      'Storage was full, so the oldest kept runs (1) were deleted to make room for this run’s checkpoint: the oldest run.',
    );
    expect(page.c.store.getState().runs.records.map((r) => r.id)).toEqual(['new']);
    expect(((await rawActive()) as { checkpoint: { step: number } }).checkpoint.step).toBe(3);
    // The run on screen lost nothing.
    expect(page.c.store.getState().run.distillLoss.map((r) => r.step)).toEqual([1, 2, 3]);
  });

  it('still full after the eviction: says checkpoints are off for this run, and the run goes on', async () => {
    const runs = await openRunsDb();
    if (!runs.ok) throw new Error(runs.error.message);
    await runs.value.put(storedRun('old', 1000, 'the oldest run'));
    runs.value.close();
    const real = await openActiveRunDb();
    if (!real.ok) throw new Error(real.error.message);
    const putActive = vi.fn<ActiveRunDb['putActive']>(() =>
      Promise.resolve({ ok: false, error: { kind: 'quota', message: 'QuotaExceededError' } }),
    );
    const page = openPage({ activeDb: Promise.resolve({ ok: true, value: { ...real.value, putActive } }) });
    await page.settle();
    const runId = await runToCheckpoint(page);
    expect(screen.getByTestId('storage-notice').textContent).toContain(
      'Storage is full: checkpoints are off for this run. It keeps training, but a reload cannot resume it.',
    );
    expect(putActive).toHaveBeenCalledTimes(2);
    page.emit({ type: 'checkpoint', runId, phase: 'distill', step: 3, reason: 'interval', bytes: bytesOf(3) });
    await page.settle();
    expect(putActive).toHaveBeenCalledTimes(2); // off: no more tries for this run
    page.emit({ type: 'points', runId, points: [point('distill', 4, 1.6)], speed: null });
    expect(screen.getByTestId('step').textContent).toBe('4');
  });
});

describe('a saved run that cannot be resumed', () => {
  it('is reported in words and left in place, or deleted, as the visitor chooses; kept runs are untouched', async () => {
    const runs = await openRunsDb();
    if (!runs.ok) throw new Error(runs.error.message);
    await runs.value.put(storedRun('kept', 1000, 'a kept run'));
    runs.value.close();
    const raw = await openDB(DB_NAME);
    // A checkpoint without its bytes (a half-written save, or an older page's format).
    await raw.put(
      ACTIVE_STORE,
      {
        version: ACTIVE_RUN_VERSION,
        savedAt: 1,
        url: configToRecordUrl(CONFIG),
        upload: null,
        checkpoint: { phase: 'distill', step: 5 },
        teacherTotal: 0,
        distillTotal: 40,
        history: [],
        evals: [],
        markers: [],
      },
      'current',
    );
    raw.close();

    let page = openPage();
    await page.settle();
    expect(screen.getByRole('alert').textContent).toContain(
      'The run saved in this browser cannot be resumed: its checkpoint has no bytes. Your kept runs are not affected.',
    );
    expect(screen.queryByRole('button', { name: 'Resume' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByTestId('stored-problem')).toBeNull();
    await page.settle();
    expect(await rawActive()).toBeDefined();
    expect(page.c.store.getState().runs.records.map((r) => r.id)).toEqual(['kept']);

    page = openPage(); // still there, still said
    await page.settle();
    fireEvent.click(screen.getByRole('button', { name: 'Delete it' }));
    await page.settle();
    expect(await rawActive()).toBeUndefined();
    expect(page.c.store.getState().runs.records.map((r) => r.id)).toEqual(['kept']);
  });

  it('left unanswered, it is replaced by the next run’s first checkpoint, and the message goes with it', async () => {
    const made = await openRunsDb(); // the page's schema first
    if (made.ok) made.value.close();
    const raw = await openDB(DB_NAME);
    await raw.put(ACTIVE_STORE, { version: ACTIVE_RUN_VERSION, savedAt: 'yesterday' }, 'current');
    raw.close();
    const page = openPage();
    await page.settle();
    expect(screen.getByTestId('stored-problem').textContent).toContain('it has no save time');
    await runToCheckpoint(page);
    expect(screen.queryByTestId('stored-problem')).toBeNull();
    expect(((await rawActive()) as { checkpoint: { step: number } }).checkpoint.step).toBe(2);
  });

  it('the worker refusing the checkpoint is said in words, with the same choice', async () => {
    await runToCheckpoint(openPage());
    const page = openPage();
    await page.settle();
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    const start = page.sent.find((c) => c.type === 'start');
    const runId = start?.type === 'start' ? start.runId : -1;
    page.emit({ type: 'error', runId, message: 'the checkpoint is for another model size' });
    page.emit({ type: 'phase', runId, phase: 'error', detail: 'failed', totalSteps: 0 });
    expect(screen.getByTestId('stored-problem').textContent).toContain(
      'The saved checkpoint could not be restored: the checkpoint is for another model size.',
    );
    // Reset does not delete it behind the visitor's back.
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    await page.settle();
    expect(await rawActive()).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: 'Delete it' }));
    await page.settle();
    expect(await rawActive()).toBeUndefined();
  });
});

describe('uploaded data survives a reload', () => {
  it('the accepted file is stored and sent again to the worker after a reload, without changing the settings', async () => {
    const first = openPage();
    await first.settle();
    await act(() => first.c.upload(new File(['text,label\npizza tonight,food\n'], 'topics.csv')));
    first.emit({ type: 'uploaded', task: 'custom-csv', name: 'topics.csv', summary: '1 example, 1 class' });
    await first.settle();

    const page = openPage();
    await page.settle();
    const upload = page.sent.find((c) => c.type === 'upload');
    expect(upload?.type === 'upload' && upload.name).toBe('topics.csv');
    expect(upload?.type === 'upload' && new TextDecoder().decode(upload.bytes)).toBe(
      'text,label\npizza tonight,food\n',
    );
    page.emit({ type: 'uploaded', task: 'custom-csv', name: 'topics.csv', summary: '1 example, 1 class' });
    expect(page.c.store.getState().config.task).toBe('sentiment'); // the page's settings (its URL) win
    expect(screen.getByText('Loaded topics.csv: 1 example, 1 class.')).toBeTruthy();
  });

  it('a resumed custom run gets its own file back before the start', async () => {
    const first = openPage();
    await first.settle();
    await act(() => first.c.upload(new File(['hello world'], 'story.txt')));
    first.emit({ type: 'uploaded', task: 'custom-text', name: 'story.txt', summary: '11 characters' });
    await runToCheckpoint(first);
    expect(first.c.store.getState().run.config?.task).toBe('custom-text');

    const page = openPage();
    await page.settle();
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    const kinds = page.sent.map((c) => c.type);
    const lastUpload = kinds.lastIndexOf('upload');
    expect(lastUpload).toBeGreaterThanOrEqual(0);
    expect(lastUpload).toBeLessThan(kinds.indexOf('start'));
    const upload = page.sent[lastUpload];
    expect(upload.type === 'upload' && new TextDecoder().decode(upload.bytes)).toBe('hello world');
    page.emit({ type: 'uploaded', task: 'custom-text', name: 'story.txt', summary: '11 characters' });
    expect(page.c.store.getState().upload.staged).toBeNull(); // the page's own re-send stages nothing
    expect(page.c.store.getState().config.task).toBe('custom-text');
  });
});
