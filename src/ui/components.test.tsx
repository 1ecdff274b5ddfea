// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Controller, type WorkerPort } from '../client/controller';
import { initialState } from '../client/state';
import { createStore } from '../client/store';
import { DEFAULT_CONFIG } from '../config';
import type { PredictionResult, WorkerCommand, WorkerEvent } from '../worker/protocol';
import { ControllerContext } from './context';
import { HyperPanel } from './HyperPanel';
import { ModelsPanel } from './ModelsPanel';
import { ProbabilityBars } from './predictions/ProbabilityBars';
import { RunControls } from './RunControls';
import { TaskPanel } from './TaskPanel';
import type { ReactNode } from 'react';
import { softmax, topKBias } from '../lossMath';

function setup(ui: ReactNode) {
  const sent: WorkerCommand[] = [];
  const port: WorkerPort = { postMessage: (c) => sent.push(c), onmessage: null };
  const store = createStore(initialState(DEFAULT_CONFIG));
  const controller = new Controller(store, port, () => {});
  const emit = (e: WorkerEvent) => act(() => port.onmessage!({ data: e } as MessageEvent<WorkerEvent>));
  render(<ControllerContext.Provider value={controller}>{ui}</ControllerContext.Provider>);
  return { sent, store, controller, emit };
}

afterEach(cleanup);

describe('knobs', () => {
  it('has native sliders named Temperature and Alpha; moving one updates the formula and reaches the run', () => {
    const { sent, store, emit } = setup(
      <>
        <RunControls />
        <HyperPanel />
      </>,
    );
    const t = screen.getByRole('slider', { name: /Temperature/ });
    const a = screen.getByRole('slider', { name: /Alpha.*weight on the teacher term/ });
    expect(t).toHaveProperty('type', 'range');
    expect(a).toHaveProperty('type', 'range');

    // Idle: the change is kept in the config (and so the URL) but there is no run to send it to.
    fireEvent.change(t, { target: { value: '2' } });
    expect(store.getState().config.hyper.temperature).toBe(2);
    expect(sent.filter((c) => c.type === 'setHyper')).toEqual([]);
    expect(screen.getByTestId('formula').getAttribute('aria-label')).toContain('KL(softmax(zt/2) ‖ softmax(zs/2))');

    // Running: the new value goes to the worker for its next step.
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    const runId = store.getState().run.runId;
    emit({ type: 'phase', runId, phase: 'distill', detail: '', totalSteps: 100 });
    fireEvent.change(a, { target: { value: '0.4' } });
    expect(sent.at(-1)).toEqual({
      type: 'setHyper',
      runId,
      hyper: { ...DEFAULT_CONFIG.hyper, temperature: 2, alpha: 0.4 },
    });
    expect(screen.getByTestId('formula').getAttribute('aria-label')).toContain('0.6·CE');
  });
});

describe('the objective’s choices (issue 13)', () => {
  it('are selects beside the sliders; a choice reaches the run, shows in the formula, and a refused mix says why', () => {
    const { sent, store, emit } = setup(
      <>
        <RunControls />
        <HyperPanel />
      </>,
    );
    const divergence = screen.getByRole('combobox', { name: /Soft term — divergence/ });
    expect(
      within(divergence)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toHaveLength(5);
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    const runId = store.getState().run.runId;
    emit({ type: 'phase', runId, phase: 'distill', detail: '', totalSteps: 100 });
    const general = () => screen.getByTestId('formula').querySelector('.formula-general');
    expect(general()?.textContent).toContain('α·T²·KL(softmax(zt/T) ‖ softmax(zs/T))');
    fireEvent.change(divergence, { target: { value: '1' } });
    expect(sent.at(-1)).toEqual({ type: 'setHyper', runId, hyper: { ...DEFAULT_CONFIG.hyper, divergence: 1 } });
    expect(screen.getByTestId('formula').getAttribute('aria-label')).toContain('KL(softmax(zs/4) ‖ softmax(zt/4))');
    // The general form names forward KL: it goes while another divergence is chosen, not to contradict the live line.
    expect(general()).toBeNull();
    emit({
      type: 'taskInfo',
      task: 'sentiment',
      error: null,
      info: {
        id: 'sentiment',
        title: 'Sentiment',
        description: '',
        kind: 'classification',
        vocabSize: 100,
        seqLen: 8,
        classes: ['neg', 'pos'],
        examples: [],
        knowsTruth: false,
        teacherRows: 10,
        labelledRows: 10,
        transferRows: 0,
      },
    });
    // reverse KL against a top-k teacher is refused: not sent, and the panel says why
    const count = sent.length;
    fireEvent.change(screen.getByRole('combobox', { name: /Teacher targets kept/ }), { target: { value: '1' } });
    expect(sent.length).toBe(count);
    expect(screen.getByRole('alert').textContent).toMatch(/a top-k teacher needs forward-kl, soft-ce or jsd/);
    // back to forward KL: applied, with the bytes a top-8 teacher stores (8 × (4 + 2)) against the full 100 × 4
    fireEvent.change(divergence, { target: { value: '0' } });
    expect(sent.at(-1)).toMatchObject({ type: 'setHyper', hyper: { divergence: 0, sparseTeacher: 1, teacherK: 8 } });
    expect(screen.getByTestId('sparse-note').textContent).toContain('Stored per position: 48 bytes (full: 400 bytes).');
    // the bias of top-k on the predictions panel's example, from its teacher logits at T = 4
    const logits = [8, 4, 4, 0, 0, -4, -4, -8, -8, -8];
    emit({
      type: 'prediction',
      runId,
      result: {
        input: 'x',
        tokens: ['x'],
        kind: 'generation',
        labels: logits.map((_, i) => `t${i}`),
        teacher: { logits, nLayer: 1, nHead: 1, attention: [] },
        layerMap: [],
      },
    });
    const b = topKBias(softmax(logits, 4), 8);
    const n3 = (v: number) => new Intl.NumberFormat('en', { maximumSignificantDigits: 3 }).format(v);
    expect(b.tailMass).toBeGreaterThan(0.01);
    expect(screen.getByTestId('sparse-note').textContent).toContain(
      `tail mass dropped ${n3(b.tailMass)}, top-k confidence +${n3(b.confidenceGain)}, KL(target ‖ teacher) ${n3(b.klTargetToTeacher)} nats`,
    );
  });
});

describe('run controls', () => {
  it('Start, Pause/Resume, Step and Reset follow the run, and the step counter counts', () => {
    const { sent, store, emit } = setup(<RunControls />);
    expect(screen.getByTestId('step').textContent).toBe('0');
    expect(screen.getByRole('button', { name: 'Pause' })).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    const runId = store.getState().run.runId;
    expect(sent.find((c) => c.type === 'start')).toMatchObject({ runId, paused: false });
    expect(screen.getByRole('button', { name: 'Start' })).toHaveProperty('disabled', true);
    emit({ type: 'phase', runId, phase: 'teacher', detail: 'training', totalSteps: 10 });
    emit({
      type: 'points',
      runId,
      points: [{ phase: 'teacher', step: 1, lr: 0, temperature: 4, alpha: 0.7, values: { total: 2 } }],
      speed: null,
    });
    expect(screen.getByTestId('step').textContent).toBe('1');
    expect(screen.getByTestId('phase').textContent).toBe('teacher');
    // One counter: the step within the phase, of the phase's total; no second count beside the bar.
    const counter = () => screen.getByTestId('step').parentElement!.textContent;
    expect(counter()).toBe('Teacher step 1 / 10');
    expect(screen.getByRole('progressbar', { name: /training the teacher progress/ }).getAttribute('value')).toBe('1');
    expect(document.body.textContent!.match(/step \d+ \/ \d+/gi)).toEqual(['step 1 / 10']);

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(sent.at(-1)).toEqual({ type: 'pause', runId });
    emit({ type: 'paused', runId, paused: true });
    fireEvent.click(screen.getByRole('button', { name: 'Step' }));
    expect(sent.at(-1)).toEqual({ type: 'step', runId });
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    expect(sent.at(-1)).toEqual({ type: 'resume', runId });

    emit({ type: 'error', runId, message: 'the GPU went away' });
    expect(screen.getByTestId('error').textContent).toMatch(/GPU went away/);
    // The run had a step, so Reset asks first (tested on its own below): say yes.
    vi.spyOn(window, 'confirm').mockReturnValueOnce(true);
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(sent.at(-1)).toEqual({ type: 'reset', runId: runId + 1 });
    expect(screen.getByTestId('step').textContent).toBe('0');
    expect(screen.queryByTestId('error')).toBeNull();
    // A late event of the old run does not bring anything back.
    emit({
      type: 'points',
      runId,
      points: [{ phase: 'teacher', step: 2, lr: 0, temperature: 4, alpha: 0.7, values: { total: 2 } }],
      speed: null,
    });
    expect(screen.getByTestId('step').textContent).toBe('0');
  });

  it('Reset asks first when the run has progress; Cancel keeps the run, OK resets it', () => {
    const { sent, store, emit } = setup(<RunControls />);
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    const runId = store.getState().run.runId;
    emit({ type: 'phase', runId, phase: 'distill', detail: 'distilling', totalSteps: 600 });
    emit({
      type: 'points',
      runId,
      points: [{ phase: 'distill', step: 42, lr: 0, temperature: 4, alpha: 0.7, values: { total: 1 } }],
      speed: null,
    });
    const confirm = vi.spyOn(window, 'confirm').mockReturnValueOnce(false);
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(confirm).toHaveBeenCalledWith(expect.stringMatching(/42 steps of training/));
    expect(sent.some((c) => c.type === 'reset')).toBe(false);
    expect(screen.getByTestId('step').textContent).toBe('42');
    confirm.mockReturnValueOnce(true);
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(sent.at(-1)).toEqual({ type: 'reset', runId: runId + 1 });
    expect(screen.getByTestId('step').textContent).toBe('0');
    confirm.mockRestore();
  });

  it('counts distillation steps from 1 after the teacher phase, as the bar does ("Distillation step 89 / 300")', () => {
    const { store, emit } = setup(<RunControls />);
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    const runId = store.getState().run.runId;
    const pt = (phase: 'teacher' | 'distill', step: number) => ({
      phase,
      step,
      lr: 0,
      temperature: 4,
      alpha: 0.7,
      values: { total: 1 },
    });
    emit({ type: 'phase', runId, phase: 'teacher', detail: '', totalSteps: 50 });
    emit({ type: 'points', runId, points: Array.from({ length: 50 }, (_, i) => pt('teacher', i + 1)), speed: null });
    emit({ type: 'phase', runId, phase: 'distill', detail: '', totalSteps: 300 });
    emit({ type: 'points', runId, points: Array.from({ length: 89 }, (_, i) => pt('distill', i + 1)), speed: null });
    expect(screen.getByTestId('step').parentElement!.textContent).toBe('Distillation step 89 / 300');
    const bar = screen.getByRole('progressbar', { name: /distilling progress/ });
    expect([bar.getAttribute('value'), bar.getAttribute('max')]).toEqual(['89', '300']);
    expect(screen.queryByText(/139/)).toBeNull(); // not teacher + distillation steps
  });

  it('shows how far caching the teacher has got, as a determinate progress bar', () => {
    const { store, emit } = setup(<RunControls />);
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    const runId = store.getState().run.runId;
    emit({ type: 'phase', runId, phase: 'caching', detail: '', totalSteps: 0 });
    expect(screen.getByRole('progressbar', { name: /caching teacher outputs/ }).hasAttribute('value')).toBe(false);
    emit({ type: 'cacheProgress', runId, done: 1024, total: 2200 });
    const bar = screen.getByRole('progressbar', { name: /caching teacher outputs progress/ });
    expect(bar.getAttribute('value')).toBe('1024');
    expect(bar.getAttribute('max')).toBe('2200');
    expect(screen.getByText(/1,024 \/ 2,200 training rows/)).toBeTruthy();
  });
});

describe('model sizes', () => {
  it('says "same size" when teacher and student match, and "more" when the student is bigger', () => {
    const { store } = setup(<ModelsPanel />);
    const shown = () =>
      `${screen.getByTestId('compression').textContent} ${screen.getByTestId('compression').nextElementSibling!.textContent}`;
    expect(shown()).toMatch(/^\d+(\.\d)?× fewer parameters in the student/);
    act(() =>
      store.dispatch({ type: 'config', config: { ...DEFAULT_CONFIG, teacher: 'teacher-s', student: 'teacher-s' } }),
    );
    expect(shown()).toMatch(/^same size the student has as many parameters as the teacher/);
    expect(shown()).not.toMatch(/fewer/);
    act(() => store.dispatch({ type: 'config', config: { ...DEFAULT_CONFIG, teacher: 'tiny', student: 'teacher-s' } }));
    expect(shown()).toMatch(/^\d+(\.\d)?× more parameters in the student than in the teacher/);
  });
});

describe('upload', () => {
  it('has a file input labelled Upload and shows the worker’s error as an alert', async () => {
    const { sent, emit } = setup(<TaskPanel />);
    const input = screen.getByLabelText(/Upload/) as HTMLInputElement;
    const file = new File(['text,label\na,b\n'], 'bad.csv', { type: 'text/csv' });
    await act(async () => {
      fireEvent.change(input, { target: { files: [file] } });
      await new Promise((r) => setTimeout(r, 20));
    });
    expect(sent.at(-1)).toMatchObject({ type: 'upload', name: 'bad.csv' });
    emit({ type: 'uploadError', name: 'bad.csv', message: 'line 3: expected 2 fields, found 3' });
    expect(screen.getByRole('alert').textContent).toMatch(/bad\.csv.*line 3/);
  });
});

describe('probability bars', () => {
  const result: PredictionResult = {
    input: 'x',
    tokens: ['<bos>', 'x'],
    kind: 'classification',
    labels: ['neg', 'pos'],
    teacher: { logits: [0, 2], nLayer: 1, nHead: 1, attention: [[[1, 0, 0.5, 0.5]]] },
    student: { logits: [0, 1], nLayer: 1, nHead: 1, attention: [[[1, 0, 0.5, 0.5]]] },
    layerMap: [0],
  };
  const values = (col: HTMLElement) =>
    within(col)
      .getAllByText(/%$/)
      .map((e) => e.textContent);

  it('shows teacher and student side by side at T = 1 and re-softens at the current T', () => {
    const { rerender } = render(<ProbabilityBars result={result} temperature={1} />);
    const at1 = values(screen.getByText(/At T = 1 \(/).parentElement!);
    // teacher pos = e²/(1+e²) = 88.1 %, student pos = e/(1+e) = 73.1 %
    expect(at1).toContain('teacher 88.1%');
    expect(at1).toContain('student 73.1%');
    rerender(<ProbabilityBars result={result} temperature={4} />);
    const atT = values(screen.getByText(/At T = 4\.0/).parentElement!);
    // teacher at T = 4: 1/(1+e^-0.5) = 62.2 %
    expect(atT).toContain('teacher 62.2%');
    expect(values(screen.getByText(/At T = 1 \(/).parentElement!)).toEqual(at1);
    expect(screen.getByText(/teacher/, { selector: 'b' })).toBeTruthy();
  });
});
