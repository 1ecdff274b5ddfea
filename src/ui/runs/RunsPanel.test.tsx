// @vitest-environment jsdom
// The runs table as a visitor uses it: select two runs, compare them (both names on the charts and
// in the metric table, the differences from the first), delete after confirming, open a run.

import 'fake-indexeddb/auto';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Controller, type WorkerPort } from '../../client/controller';
import type { RunRecord, StoredRecord } from '../../client/runRecord';
import { openRunsDb } from '../../client/runsDb';
import { initialState } from '../../client/state';
import { createStore } from '../../client/store';
import { DEFAULT_CONFIG } from '../../config';
import { setLanguage } from '../../i18n';
import { ControllerContext } from '../context';
import { RunsPanel } from './RunsPanel';

beforeAll(() => {
  // recharts' ResponsiveContainer measures with ResizeObserver, which jsdom lacks.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

function run(
  id: string,
  createdAt: number,
  title: string,
  student: number,
  baseline: number,
  end: RunRecord['end'] = { kind: 'done' },
): RunRecord {
  return {
    kind: 'run',
    id,
    createdAt,
    title,
    url: `?task=sentiment&seed=${createdAt}`,
    metrics: {
      'test.student.accuracy': student,
      'test.baseline.accuracy': baseline,
      'test.gain': student - baseline,
      'steps.distill': 600,
    },
    curves: {
      'distill.val_accuracy.student': {
        scale: 'percent',
        points: [
          { step: 0, value: 0.2 },
          { step: 600, value: student },
        ],
      },
      'distill.loss.total': {
        scale: 'nats',
        points: [
          { step: 1, value: 1.6 },
          { step: 600, value: 0.9 },
        ],
      },
    },
    end,
    marks: [],
  };
}

async function setup(records: StoredRecord[]) {
  globalThis.indexedDB = new IDBFactory();
  const db = await openRunsDb();
  if (!db.ok) throw new Error(db.error.message);
  for (const r of records) await db.value.put(r);
  const port: WorkerPort = { postMessage: () => {}, onmessage: null };
  const store = createStore(initialState(DEFAULT_CONFIG));
  const files: { name: string; data: unknown }[] = [];
  const controller = new Controller(store, port, (name, data) => files.push({ name, data }), Promise.resolve(db));
  const navigate = vi.fn();
  render(
    <ControllerContext.Provider value={controller}>
      <RunsPanel navigate={navigate} />
    </ControllerContext.Provider>,
  );
  await act(() => controller.runs.settled());
  return { controller, store, navigate, files, db: db.value };
}

beforeEach(() => act(() => setLanguage('en')));
afterEach(cleanup);

const A = run('a', 1_000, 'sentiment · teacher-s → student-s · T 4 · α 0.7', 0.55, 0.36);
const B = {
  ...run('b', 2_000, 'sentiment · teacher-s → student-s · T 2 · α 0.9', 0.6, 0.4, {
    kind: 'stopped',
    phase: 'distill',
    step: 350,
  }),
  marks: [{ phase: 'distill' as const, step: 200, label: 'T=3' }],
};

describe('the runs table', () => {
  it('lists kept runs newest first with their key metrics and how they ended', async () => {
    await setup([A, B]);
    const rows = screen.getAllByTestId('runs-row');
    expect(rows.map((r) => r.getAttribute('data-run-id'))).toEqual(['b', 'a']);
    expect(
      within(rows[0]).getByText(
        'stopped at step 350; settings moved during the run: T=3 @200 (its link has the starting values)',
      ),
    ).toBeTruthy();
    expect(within(rows[1]).getByText('finished')).toBeTruthy();
    expect(rows[1].textContent).toContain('55.0%');
    expect(rows[1].textContent).toContain('+19.0 pts');
    // Compare needs two.
    expect((screen.getByRole('button', { name: 'Compare' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('compares two selected runs: both names on the chart and the table, deltas against the first selected', async () => {
    await setup([A, B]);
    // Select the older run first: it is the reference.
    fireEvent.click(screen.getByRole('checkbox', { name: /Select sentiment · teacher-s → student-s · T 4/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /Select sentiment · teacher-s → student-s · T 2/ }));
    const compare = screen.getByRole('button', { name: 'Compare' });
    expect((compare as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(compare);
    const section = screen.getByTestId('runs-compare');
    const charts = within(section).getAllByTestId('compare-chart');
    expect(charts).toHaveLength(2);
    expect(charts[0].getAttribute('aria-label')).toBe(
      'distilled student, validation accuracy, distillation for 2 runs. Last points: 1: 55.0% at step 600; 2: 60.0% at step 600',
    );
    expect(charts[1].getAttribute('aria-label')).toContain(
      'total L (student), distillation for 2 runs. Last points: 1: 0.9 at step 600; 2: 0.9 at step 600',
    );
    const table = screen.getByTestId('compare-metrics');
    const heads = within(table)
      .getAllByRole('columnheader')
      .map((h) => h.textContent);
    expect(heads).toEqual(['Metric', `1. ${A.title}`, `2. ${B.title}`, 'Δ vs first']);
    const studentRow = within(table).getByRole('row', { name: /distilled student accuracy, test/i });
    expect(
      within(studentRow)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['55.0%', '60.0%', '+5.0 pts']);
    const steps = within(table).getByRole('row', { name: /Steps, distillation/ });
    expect(
      within(steps)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['600', '600', '+0']);
    // The curve select offers the curves the runs have.
    const select = within(section).getAllByRole('combobox', { name: 'Curve' })[0] as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['distill.val_accuracy.student']);
  });

  it('deletes the selected runs only after confirming, from the page and from the database', async () => {
    const { db, controller } = await setup([A, B]);
    fireEvent.click(screen.getByRole('checkbox', { name: /T 4/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getAllByTestId('runs-row')).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(screen.getByTestId('runs-confirm').textContent).toContain('Delete 1 selected runs');
    fireEvent.click(screen.getByRole('button', { name: 'Delete them' }));
    await act(() => controller.runs.settled());
    expect(screen.getAllByTestId('runs-row').map((r) => r.getAttribute('data-run-id'))).toEqual(['b']);
    const listed = await db.list();
    expect(listed.ok && listed.value.records.map((r) => r.id)).toEqual(['b']);
  });

  it('opens a run by loading its URL, and exports the selection', async () => {
    const { navigate, files, controller } = await setup([A, B]);
    fireEvent.click(screen.getByRole('button', { name: /Open sentiment · teacher-s → student-s · T 4/ }));
    await act(() => controller.runs.settled());
    await vi.waitFor(() => expect(navigate).toHaveBeenCalledWith(A.url));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all runs' }));
    fireEvent.click(screen.getByRole('button', { name: 'Export metrics (CSV)' }));
    expect(files[0].name).toBe('runs-metrics.csv');
    expect(String(files[0].data)).toContain('a,run,');
    expect(String(files[0].data)).toContain('b,run,');
  });

  it('lists a sweep record and compares it with a run, from the common fields alone', async () => {
    const { end: _end, marks: _marks, ...common } = run('s', 3_000, 'sweep · α 0 … 1 · 5 seeds', 0.58, 0.38);
    const sweep: StoredRecord = { ...common, kind: 'sweep', detail: { alphas: [0, 0.5, 1] } };
    await setup([A, sweep]);
    const row = screen.getAllByTestId('runs-row')[0];
    expect(row.getAttribute('data-run-id')).toBe('s');
    expect(within(row).getByText('sweep')).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all runs' }));
    fireEvent.click(screen.getByRole('button', { name: 'Compare' }));
    const heads = within(screen.getByTestId('compare-metrics'))
      .getAllByRole('columnheader')
      .map((h) => h.textContent);
    expect(heads).toEqual(['Metric', `1. ${sweep.title}`, `2. ${A.title}`, 'Δ vs first']);
  });

  it('speaks Chinese: no English in its headings, buttons, labels, options and table heads but the runs’ own titles', async () => {
    act(() => setLanguage('zh'));
    await setup([A, B]);
    expect(screen.getByRole('heading', { name: '运行记录' })).toBeTruthy();
    expect(screen.getAllByTestId('runs-row')[0].textContent).toContain('在第 350 步停止');
    fireEvent.click(screen.getByRole('checkbox', { name: '选择全部运行' }));
    fireEvent.click(screen.getByRole('button', { name: '比较' }));
    const texts = Array.from(
      document.querySelectorAll('h2, h3, h4, button, label, option, th, caption, .placeholder, .chart-empty'),
    )
      .map((el) => el.textContent ?? '')
      .concat(Array.from(document.querySelectorAll('[aria-label]')).map((el) => el.getAttribute('aria-label') ?? ''));
    expect(texts.length).toBeGreaterThan(20);
    // The titles are data (task and size ids), the same in every language; symbols and file formats stay.
    const english = texts
      .map((x) => x.split(A.title).join(' ').split(B.title).join(' '))
      .flatMap((x) => x.replace(/\b(?:JSON|CSV|KD|L|T)\b/g, ' ').match(/[A-Za-z]{2,}/g) ?? []);
    expect(english).toEqual([]);
  });
});
