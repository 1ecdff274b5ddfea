// @vitest-environment jsdom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Controller, type WorkerPort } from '../../client/controller';
import { initialState } from '../../client/state';
import { createStore } from '../../client/store';
import { DEFAULT_CONFIG } from '../../config';
import { setLanguage } from '../../i18n';
import { ControllerContext } from '../context';
import { ConventionsPanel } from './ConventionsPanel';

function setup() {
  const port: WorkerPort = { postMessage: () => {}, onmessage: null };
  const controller = new Controller(createStore(initialState(DEFAULT_CONFIG)), port, () => {});
  render(
    <ControllerContext.Provider value={controller}>
      <ConventionsPanel />
    </ControllerContext.Provider>,
  );
  return controller;
}

const row = (toolkit: string) => document.querySelector(`tr[data-toolkit="${toolkit}"]`) as HTMLElement;

afterEach(() => {
  cleanup();
  act(() => setLanguage('en'));
});

describe('the conventions panel', () => {
  it('says when the run trains another objective than the forward KL the rows write', () => {
    const c = setup();
    expect(screen.queryByTestId('conventions-other-objective')).toBeNull();
    // divergence 2 = JSD, sparse teacher 1 = top-k (the settings table's choice indices).
    act(() => c.setHyper({ ...DEFAULT_CONFIG.hyper, divergence: 2, jsdBeta: 0.3, sparseTeacher: 1, teacherK: 4 }));
    expect(screen.getByTestId('conventions-other-objective').textContent).toContain('jsd(β = 0.3), top-4');
    act(() => c.setHyper({ ...DEFAULT_CONFIG.hyper }));
    expect(screen.queryByTestId('conventions-other-objective')).toBeNull();
  });

  it('writes the current sliders in each toolkit and follows them', () => {
    const c = setup();
    act(() => c.setHyper({ ...DEFAULT_CONFIG.hyper, temperature: 4, alpha: 0.7 }));
    expect(within(row('torchdistill')).getByText(/alpha=0\.3, beta=0\.7/)).toBeTruthy();
    expect(within(row('Keras')).getByText(/alpha=0\.3, temperature=4/)).toBeTruthy();
    act(() => c.setHyper({ ...DEFAULT_CONFIG.hyper, temperature: 2, alpha: 1 }));
    expect(within(row('Keras')).getByText(/alpha=0, temperature=2/)).toBeTruthy();
    // At α = 1 NeMo and TRL are ours / T² = ours × 0.25.
    expect(within(row('NeMo')).getByTestId('relation').textContent).toBe('ours × 0.25');
    expect(within(row('TRL')).getByTestId('relation').textContent).toBe('ours × 0.25');
  });

  it('speaks Chinese, with code left as code', () => {
    act(() => setLanguage('zh'));
    setup();
    expect(screen.getByRole('heading', { name: '同一次运行，在其他工具包里怎么写' })).toBeTruthy();
    expect(within(row('TRL')).getByTestId('relation').textContent).toBe('无法在其中写出');
    expect(within(row('torchdistill')).getByText(/KDLoss\(/)).toBeTruthy();
  });
});
