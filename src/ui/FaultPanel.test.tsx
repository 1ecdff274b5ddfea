// @vitest-environment jsdom
// Issue 11: a fault event from the worker (divergence, device lost) is shown in the run controls as
// an alert that says what happened, what the worker did, and what to try, in English and Chinese.

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Controller, type WorkerPort } from '../client/controller';
import { initialState } from '../client/state';
import { createStore } from '../client/store';
import { DEFAULT_CONFIG } from '../config';
import { setLanguage } from '../i18n';
import type { LossPoint, RunFault, WorkerEvent } from '../worker/protocol';
import { ControllerContext } from './context';
import { RunControls } from './RunControls';

function setup() {
  const port: WorkerPort = { postMessage: () => {}, onmessage: null };
  const store = createStore(initialState(DEFAULT_CONFIG));
  const c = new Controller(store, port, () => {});
  render(
    <ControllerContext.Provider value={c}>
      <RunControls />
    </ControllerContext.Provider>,
  );
  const emit = (e: WorkerEvent) => act(() => port.onmessage!({ data: e } as MessageEvent<WorkerEvent>));
  const runId = c.start();
  emit({ type: 'phase', runId, phase: 'distill', detail: '', totalSteps: 100 });
  const fault = (f: RunFault, id = runId) => emit({ type: 'fault', runId: id, fault: f });
  return { c, runId, fault, emit };
}

afterEach(() => {
  cleanup();
  act(() => setLanguage('en'));
});

describe('faults in words', () => {
  it('a divergence: what happened at which step, the rollback, what to try, and the worker’s detail', () => {
    const { fault } = setup();
    fault({ kind: 'divergence', phase: 'distill', step: 57, rolledBackTo: 50, message: 'loss was NaN at step 57' });
    const alert = screen.getByRole('alert', { name: 'What went wrong' });
    expect(alert.textContent).toContain('The run diverged');
    expect(alert.textContent).toContain('A loss or gradient became NaN or infinite at distillation step 57.');
    expect(alert.textContent).toContain('put back to step 50, its last good checkpoint');
    expect(alert.textContent).toContain('Try: a lower learning rate');
    expect(alert.textContent).toContain('Details: loss was NaN at step 57');
    // Its message is not squeezed into the run's one-line notice any more.
    expect(screen.queryByTestId('notice')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('fault')).toBeNull();
  });

  it('a lost device, with and without a backend to go on, and in Chinese', () => {
    const { fault, runId } = setup();
    fault({ kind: 'deviceLost', from: 'webgpu', to: 'wasm', resumedFrom: 40, message: 'GPU device was lost' });
    expect(screen.getByTestId('fault').textContent).toContain('The run continues on wasm from step 40.');
    fault({ kind: 'deviceLost', from: 'webgpu', to: null, resumedFrom: null, message: 'no backend left' });
    expect(screen.getByTestId('fault').textContent).toContain('The run could not continue on any backend.');
    act(() => setLanguage('zh'));
    const zh = screen.getByTestId('fault').textContent ?? '';
    expect(zh).toContain('GPU 设备丢失');
    expect(zh).toContain('运行无法在任何后端上继续。');
    expect(zh).not.toContain('no backend left'); // the worker's English detail is for the English page
    // A fault of a run that is gone shows nothing.
    fault({ kind: 'divergence', phase: 'teacher', step: 3, rolledBackTo: null, message: 'x' }, runId - 1);
    expect(screen.getByTestId('fault').getAttribute('data-kind')).toBe('deviceLost');
  });

  it('the curves go back to the step the worker rolled back to, so the steps run again are not drawn twice', () => {
    const { c, runId, fault, emit } = setup();
    const pt = (phase: 'teacher' | 'distill', step: number): LossPoint => ({
      phase,
      step,
      lr: 0.1,
      temperature: 4,
      alpha: 0.7,
      values: { total: step },
    });
    emit({ type: 'points', runId, points: [1, 2, 3].map((s) => pt('teacher', s)), speed: null });
    // Teacher step 3 and distillation step 3 both have checkpoints: the fault's phase says which one.
    emit({ type: 'checkpoint', runId, phase: 'teacher', step: 3, reason: 'interval', bytes: new ArrayBuffer(1) });
    emit({ type: 'points', runId, points: [1, 2, 3, 4, 5].map((s) => pt('distill', s)), speed: null });
    emit({ type: 'checkpoint', runId, phase: 'distill', step: 3, reason: 'interval', bytes: new ArrayBuffer(1) });
    emit({ type: 'eval', runId, report: { phase: 'distill', step: 4, split: 'val' } });
    fault({ kind: 'divergence', phase: 'distill', step: 5, rolledBackTo: 3, message: 'NaN' });
    let run = c.store.getState().run;
    expect(run.distillLoss.map((r) => r.step)).toEqual([1, 2, 3]);
    expect(run.teacherLoss.map((r) => r.step)).toEqual([1, 2, 3]);
    expect(run.distillAccuracy).toEqual([]); // its evaluation was at step 4
    expect(screen.getByTestId('step').textContent).toBe('3');
    expect(run.fault?.kind).toBe('divergence'); // and the panel still says why
    // A lost device with nothing to continue on leaves the curves as they are.
    emit({ type: 'points', runId, points: [pt('distill', 4)], speed: null });
    fault({ kind: 'deviceLost', from: 'webgpu', to: null, resumedFrom: null, message: 'lost' });
    run = c.store.getState().run;
    expect(run.distillLoss.map((r) => r.step)).toEqual([1, 2, 3, 4]);
    // Resumed on another backend from step 3: the checkpoint at that step of the phase under way (distillation).
    fault({ kind: 'deviceLost', from: 'webgpu', to: 'wasm', resumedFrom: 3, message: 'lost' });
    run = c.store.getState().run;
    expect(run.distillLoss.map((r) => r.step)).toEqual([1, 2, 3]);
    expect(run.teacherLoss.map((r) => r.step)).toEqual([1, 2, 3]);
  });
});
