// @vitest-environment jsdom
// Issue 11: a file uploaded while a run trains waits for the next Start. The running run's panels
// (task description, examples, confusion labels) keep the run's own data; the next Start applies it.

import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Controller, type WorkerPort } from '../client/controller';
import { initialState } from '../client/state';
import { createStore } from '../client/store';
import { DEFAULT_CONFIG } from '../config';
import type { EvalReport, Metrics, TaskInfo, WorkerCommand, WorkerEvent } from '../worker/protocol';
import { ControllerContext } from './context';
import { MetricsPanel } from './metrics/MetricsPanel';
import { PredictionsPanel } from './predictions/PredictionsPanel';
import { TaskPanel } from './TaskPanel';

const info = (id: TaskInfo['id'], classes: string[], examples: string[], description: string): TaskInfo => ({
  id,
  title: id,
  description,
  kind: 'classification',
  vocabSize: 40,
  seqLen: 16,
  classes,
  examples,
  knowsTruth: false,
  teacherRows: 100,
  labelledRows: 50,
  transferRows: 50,
});

const SENTIMENT = info(
  'sentiment',
  ['very negative', 'negative', 'neutral', 'positive', 'very positive'],
  ['a truly great film', 'not good'],
  'Film-review sentences (the running run).',
);
const CSV = info('custom-csv', ['food', 'sport', 'weather'], ['pizza tonight', 'rain again'], 'Your three labels.');

function metrics(n: number): Metrics {
  const confusion = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 3 : 0)));
  return { accuracy: 1, nll: 0.1, perplexity: 1.1, ece: 0, reliability: [], confusion };
}

function setup() {
  const sent: WorkerCommand[] = [];
  const port: WorkerPort = { postMessage: (c) => sent.push(c), onmessage: null };
  const store = createStore(initialState(DEFAULT_CONFIG));
  const controller = new Controller(store, port, () => {});
  const emit = (e: WorkerEvent) => act(() => port.onmessage!({ data: e } as MessageEvent<WorkerEvent>));
  render(
    <ControllerContext.Provider value={controller}>
      <TaskPanel />
      <PredictionsPanel />
      <MetricsPanel />
    </ControllerContext.Provider>,
  );
  return { sent, store, controller, emit };
}

/** What the worker answers to an accepted upload (session.ts upload()): uploaded, then the task described. */
function workerAcceptsCsv(emit: (e: WorkerEvent) => void) {
  emit({ type: 'uploaded', task: 'custom-csv', name: 'topics.csv', summary: '30 examples, 3 classes' });
  emit({ type: 'taskInfo', task: 'custom-csv', info: CSV, error: null });
}

const exampleOptions = () =>
  within(screen.getByRole('combobox', { name: /example/i }))
    .getAllByRole('option')
    .map((o) => o.textContent);

afterEach(cleanup);

describe('an upload during a run', () => {
  it('is staged: the running run keeps its task, examples and confusion labels; the next Start applies it', async () => {
    const { sent, store, controller, emit } = setup();
    emit({ type: 'taskInfo', task: 'sentiment', info: SENTIMENT, error: null });
    const runId = controller.start();
    emit({ type: 'phase', runId, phase: 'distill', detail: '', totalSteps: 100 });
    const report: EvalReport = { phase: 'distill', step: 10, split: 'val', student: metrics(5) };
    emit({ type: 'eval', runId, report });

    await act(() => controller.upload(new File(['text,label\npizza tonight,food\n'], 'topics.csv')));
    expect(sent.at(-1)).toMatchObject({ type: 'upload', name: 'topics.csv' });
    workerAcceptsCsv(emit);

    // Said plainly, and nothing of the CSV shows in the running run's panels.
    expect(screen.getByTestId('upload-staged').textContent).toBe(
      'Staged for the next run: topics.csv — the running run keeps its data.',
    );
    expect(screen.getByText('Film-review sentences (the running run).')).toBeTruthy();
    expect(screen.queryByText('Your three labels.')).toBeNull();
    expect(store.getState().config.task).toBe('sentiment');
    expect(exampleOptions()).toContain('a truly great film');
    expect(exampleOptions()).not.toContain('pizza tonight');
    const matrix = screen.getByRole('table', { name: /confusion/i });
    expect(
      within(matrix)
        .getAllByRole('rowheader')
        .map((h) => h.textContent),
    ).toEqual(['1 very negative', '2 negative', '3 neutral', '4 positive', '5 very positive']);
    // No setConfig or start went out for the CSV: the worker's run goes on untouched.
    expect(sent.filter((c) => c.type === 'setConfig' || c.type === 'start')).toHaveLength(1); // the Start's only

    // The next Start switches to the staged data first, then starts on it.
    const next = controller.start();
    const [setConfig, start] = sent.slice(-2);
    expect(setConfig).toMatchObject({ type: 'setConfig', config: { task: 'custom-csv' } });
    expect(start).toMatchObject({ type: 'start', runId: next, config: { task: 'custom-csv' } });
    emit({ type: 'taskInfo', task: 'custom-csv', info: CSV, error: null });
    expect(screen.queryByTestId('upload-staged')).toBeNull();
    expect(screen.getByText('Your three labels.')).toBeTruthy();
    expect(exampleOptions()).toContain('pizza tonight');
    expect(store.getState().run.taskInfo).toEqual(CSV);
  });

  it('re-uploading the same kind of file during a custom run keeps the run’s own description', async () => {
    const { store, controller, emit } = setup();
    await act(() => controller.upload(new File(['x'], 'topics.csv')));
    workerAcceptsCsv(emit); // idle: applied at once
    expect(store.getState().upload.staged).toBeNull();
    expect(store.getState().config.task).toBe('custom-csv');
    const runId = controller.start();
    emit({ type: 'phase', runId, phase: 'distill', detail: '', totalSteps: 100 });
    const OTHER = info('custom-csv', ['cats', 'dogs'], ['a purring cat'], 'Two other labels.');
    await act(() => controller.upload(new File(['y'], 'pets.csv')));
    emit({ type: 'uploaded', task: 'custom-csv', name: 'pets.csv', summary: '10 examples, 2 classes' });
    emit({ type: 'taskInfo', task: 'custom-csv', info: OTHER, error: null });
    expect(screen.getByTestId('upload-staged').textContent).toContain('pets.csv');
    expect(screen.getByText('Your three labels.')).toBeTruthy();
    expect(exampleOptions()).not.toContain('a purring cat');
  });

  it('is applied at once when no run is under way, and a task chosen after staging wins over it', async () => {
    const { store, controller, emit } = setup();
    const runId = controller.start();
    emit({ type: 'phase', runId, phase: 'teacher', detail: '', totalSteps: 100 });
    await act(() => controller.upload(new File(['x'], 'topics.csv')));
    workerAcceptsCsv(emit);
    expect(store.getState().upload.staged).toEqual({ task: 'custom-csv', name: 'topics.csv' });
    fireEvent.change(screen.getByRole('combobox', { name: 'Task' }), { target: { value: 'grammar' } });
    expect(store.getState().upload.staged).toBeNull();
    controller.start();
    expect(store.getState().run.config?.task).toBe('grammar');
  });
});
