// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LabController, type LabPort } from '../../client/labController';
import { setLanguage } from '../../i18n';
import type { LabCommand, LabEvent, LabRow } from '../../worker/labProtocol';
import { GrammarLab } from './GrammarLab';

function setup() {
  const sent: LabCommand[] = [];
  const port: LabPort = { postMessage: (cmd) => void sent.push(cmd), onmessage: null };
  const controller = new LabController(() => port, null, '/base/');
  render(<GrammarLab controller={controller} />);
  const emit = (e: LabEvent) => act(() => port.onmessage!({ data: e } as MessageEvent<LabEvent>));
  return { sent, emit, controller };
}

const row = (kind: LabRow['kind'], validity: number, lambda?: number): LabRow => ({
  kind,
  ...(lambda !== undefined ? { lambda } : {}),
  generation: {
    count: 500,
    validity,
    finished: 1,
    distinctSentences: 0.5,
    entropy: 1.1867,
    distinct: [0.005, 0.0331, 0.1234],
    klToTruth: 0.0081,
    offLanguageMass: 0.002,
    inLanguagePositions: 1,
  },
  testNll: 1.1789,
  testKlToTruth: 0.0082,
});

afterEach(() => {
  cleanup();
  act(() => setLanguage('en'));
});

describe('the grammar lab panel', () => {
  it('starts the worker at Run with the slider’s λ, shows progress, then the table of the report', () => {
    const { sent, emit } = setup();
    expect(screen.getByTestId('grammar-lab-status').textContent).toBe('Not run yet.');
    expect(sent).toEqual([]); // no worker before the first Run
    fireEvent.change(screen.getByLabelText('λ: share of on-policy steps'), { target: { value: '0.5' } });
    fireEvent.change(screen.getByLabelText('Steps per student'), { target: { value: '200' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run the lab' }));
    expect(sent[0]).toEqual({ type: 'labInit', forcedBackend: null, assetsBase: '/base/' });
    expect(sent[1]).toEqual({ type: 'labStart', runId: 1, request: { lambda: 0.5, steps: 200, samples: 500 } });
    expect((screen.getByRole('button', { name: 'Run the lab' }) as HTMLButtonElement).disabled).toBe(true);

    emit({ type: 'labProgress', runId: 1, phase: 'train', kind: 'on-policy', step: 40, steps: 200 });
    expect(screen.getByTestId('grammar-lab-status').textContent).toBe(
      'Training on-policy KD (λ = 0.5): step 40 of 200',
    );
    // a late event of another run changes nothing
    emit({ type: 'labProgress', runId: 0, phase: 'evaluate', kind: 'teacher', step: 0, steps: 0 });
    expect(screen.getByTestId('grammar-lab-status').textContent).toMatch(/step 40 of 200/);

    emit({
      type: 'labReport',
      runId: 1,
      backend: 'wasm',
      rows: [row('truth', 1), row('teacher', 0.985), row('off-policy', 0.982), row('on-policy', 0.983, 0.5)],
    });
    expect(screen.getByTestId('grammar-lab-status').textContent).toBe(
      'Done on wasm: 200 steps per student, 500 sentences per model.',
    );
    const table = screen.getByRole('table');
    const onPolicy = within(table).getByRole('row', { name: /on-policy KD \(λ = 0.5\)/ });
    expect(within(onPolicy).getByText('98.3%')).toBeTruthy();
    expect(within(onPolicy).getByText('1.187')).toBeTruthy();
    expect(within(onPolicy).getByText('0.123')).toBeTruthy();
    expect(within(table).getAllByRole('row')).toHaveLength(5);
  });

  it('sends Stop for the current run and shows errors', () => {
    const { sent, emit } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Run the lab' }));
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(sent.at(-1)).toEqual({ type: 'labStop', runId: 1 });
    emit({ type: 'labStopped', runId: 1 });
    expect(screen.getByTestId('grammar-lab-status').textContent).toBe('Stopped.');
    fireEvent.click(screen.getByRole('button', { name: 'Run the lab' }));
    emit({ type: 'labError', runId: 2, message: 'the shipped grammar teacher could not be loaded' });
    expect(screen.getByTestId('grammar-lab-status').textContent).toBe(
      'The lab failed: the shipped grammar teacher could not be loaded',
    );
  });

  it('speaks Chinese', () => {
    setup();
    act(() => setLanguage('zh'));
    expect(screen.getByRole('button', { name: '运行实验' })).toBeTruthy();
    expect(screen.getByLabelText('λ：在策略步骤的占比')).toBeTruthy();
    expect(screen.getByTestId('grammar-lab-status').textContent).toBe('尚未运行。');
  });
});
