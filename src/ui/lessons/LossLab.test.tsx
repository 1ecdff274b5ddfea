// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Controller, type WorkerPort } from '../../client/controller';
import { initialState } from '../../client/state';
import { createStore } from '../../client/store';
import { DEFAULT_CONFIG } from '../../config';
import { setLanguage } from '../../i18n';
import type { ModelPrediction, WorkerEvent } from '../../worker/protocol';
import { ControllerContext } from '../context';
import { LossLab } from './LossLab';

function setup() {
  const port: WorkerPort = { postMessage: () => {}, onmessage: null };
  const store = createStore(initialState({ ...DEFAULT_CONFIG, hyper: { ...DEFAULT_CONFIG.hyper, temperature: 2 } }));
  const controller = new Controller(store, port, () => {});
  render(
    <ControllerContext.Provider value={controller}>
      <LossLab />
    </ControllerContext.Provider>,
  );
  const emit = (e: WorkerEvent) => act(() => port.onmessage!({ data: e } as MessageEvent<WorkerEvent>));
  return { controller, store, emit };
}

const model = (logits: number[]): ModelPrediction => ({ logits, nLayer: 1, nHead: 1, attention: [] });

afterEach(() => {
  cleanup();
  act(() => setLanguage('en'));
});

describe('the loss lab', () => {
  it('waits for the models, then shows every divergence of this example computed from their logits', () => {
    const { store, emit } = setup();
    expect(screen.getByText(/Start a run \(or predict an example\)/)).toBeTruthy();
    const runId = store.getState().run.runId;
    const zt = [3, 1, -2, 0.5, 0];
    const zs = [2, 0.5, -1, 0, 1];
    emit({
      type: 'prediction',
      runId,
      result: {
        input: 'x',
        tokens: ['x'],
        kind: 'classification',
        labels: ['a', 'b', 'c', 'd', 'e'],
        teacher: model(zt),
        student: model(zs),
        layerMap: [],
      },
    });
    // Forward KL at T = 2, by hand.
    const sm = (z: number[]) => {
      const e = z.map((v) => Math.exp(v / 2));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    };
    const p = sm(zt);
    const q = sm(zs);
    const forward = p.reduce((a, pi, i) => a + pi * Math.log(pi / q[i]), 0);
    const row = (key: string) =>
      document.querySelector(`[data-testid="loss-lab-divergences"] tr[data-row="${key}"]`) as HTMLElement;
    expect(within(row('forwardKl')).getByTestId('value').textContent).toBe(forward.toFixed(4));
    const reverse = q.reduce((a, qi, i) => a + qi * Math.log(qi / p[i]), 0);
    expect(within(row('reverseKl')).getByTestId('value').textContent).toBe(reverse.toFixed(4));

    // k = 2 keeps the two largest teacher probabilities; the tail is the rest.
    const k = screen.getByRole('slider', { name: /Entries kept per position/ });
    fireEvent.change(k, { target: { value: '2' } });
    const sorted = [...p].sort((a, b) => b - a);
    const tail = 1 - sorted[0] - sorted[1];
    const topRow = document.querySelector('[data-testid="loss-lab-sparse"] tr[data-row="top-k"]') as HTMLElement;
    expect(topRow.textContent).toContain(`tail mass ${(tail * 100).toFixed(1)}%`);
    expect(topRow.textContent).toContain('12'); // 2 × (4 + 2) bytes
    fireEvent.change(k, { target: { value: '5' } });
    expect(topRow.textContent).toContain('tail mass 0.0%');
  });

  it('speaks Chinese', () => {
    act(() => setLanguage('zh'));
    setup();
    expect(screen.getByRole('heading', { name: /损失实验室/ })).toBeTruthy();
  });
});
