// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Controller, type WorkerPort } from '../../client/controller';
import { initialState } from '../../client/state';
import { createStore } from '../../client/store';
import { SweepController, type SweepPort } from '../../client/sweepController';
import { DEFAULT_CONFIG } from '../../config';
import { en } from '../../i18n/en';
import { fill, flatten } from '../../i18n/catalog';
import type { GainEstimate, SweepReport } from '../../sweepConfig';
import type { SweepCommand, SweepEvent } from '../../worker/sweepProtocol';
import { ControllerContext } from '../context';
import { makeFormat } from '../i18n';
import { SweepContext } from './context';
import { ExperimentsPanel } from './ExperimentsPanel';
import { interpretSweep } from './interpret';

const EN = flatten(en);
const fmt = makeFormat('en', (k, v) => fill(EN[k], v));
const g = (gain: number, se: number): GainEstimate => ({ gain, se, seRows: se, seSeeds: null, perSeed: [gain] });

/** A 2 × 2 grid whose reference cell (T = 4, α = 0.5) gains 20 points; controls reproduce 30 %, 10 %, −5 % of it. */
function report(over: Partial<SweepReport> = {}): SweepReport {
  return {
    group: 0,
    student: 'student-s',
    parameters: 29_000,
    step: 50,
    steps: 300,
    final: false,
    members: 16,
    teacherAccuracy: 0.748,
    baselineAccuracy: 0.4,
    temperatures: [1, 4],
    alphas: [0.5, 0.9],
    seeds: [1, 2],
    reference: { t: 1, a: 0 },
    cells: [
      { temperature: 1, alpha: 0.5, accuracy: 0.45, gain: g(0.05, 0.03) },
      { temperature: 1, alpha: 0.9, accuracy: 0.5, gain: g(0.1, 0.02) },
      { temperature: 4, alpha: 0.5, accuracy: 0.6, gain: g(0.2, 0.02) },
      { temperature: 4, alpha: 0.9, accuracy: 0.38, gain: g(-0.02, 0.02) },
    ],
    controls: [
      { control: 'random-teacher', temperature: 4, alpha: 0.5, accuracy: 0.39, gain: g(-0.01, 0.02) },
      { control: 'permuted', temperature: 4, alpha: 0.5, accuracy: 0.46, gain: g(0.06, 0.02) },
      { control: 'label-smoothing', temperature: 1, alpha: 0.1, accuracy: 0.42, gain: g(0.02, 0.02) },
    ],
    calibration: {
      temperature: 1.8,
      nllBefore: 1.4,
      nllAfter: 1.2,
      eceBefore: 0.15,
      eceAfter: 0.05,
      distilledNll: 1.1,
      distilledEce: 0.04,
      fitRows: 250,
      heldOutRows: 250,
    },
    n: 500,
    rows: 500,
    ...over,
  };
}

afterEach(cleanup);

describe('the sweep in words', () => {
  it('reads the grid, apportions the reference gain among the controls, and compares calibration, from the numbers', () => {
    const r = interpretSweep(report(), fmt);
    expect(fill(EN[r.grid.key], r.grid.values)).toBe(
      'Best cell: T = 4, α = 0.5, <b>+20.0 pts</b> ± 4.0 pts; 2 of 4 cells are more than 2 standard errors above zero (2 seed(s)).',
    );
    expect(r.controls.map((l) => l.key)).toEqual([
      'experiments.read.controlsHead',
      'experiments.read.regularLittle',
      'experiments.read.darkMost',
    ]);
    expect(r.controls[0].values).toMatchObject({ t: '4', a: '0.5', gain: '+20.0 pts' });
    expect(r.controls[1].values).toEqual({ smoothing: '10%', random: '-5%' });
    // The permuted teacher reproduces 30 %: the other 70 % needs the ranking of the wrong answers.
    expect(r.controls[2].values).toEqual({ permuted: '30%', dark: '70%' });
    expect(r.calibration.map((l) => l.key)).toEqual([
      'experiments.read.calibrationHead',
      'experiments.read.calibrationKd',
    ]);
    expect(r.calibration[0].values).toMatchObject({
      before: '1.400',
      after: '1.200',
      dNll: '1.100',
      eceAfter: '5.0%',
      t: '1.80',
    });
  });

  it('says regularisation when label smoothing reproduces most of the gain, noise when the reference gain is noise, and which calibrates better', () => {
    const base = report();
    const regular = interpretSweep(report({ controls: [{ ...base.controls[2], gain: g(0.15, 0.02) }] }), fmt);
    expect(regular.controls.map((l) => l.key)).toEqual([
      'experiments.read.controlsHead',
      'experiments.read.regularMuch',
    ]);
    expect(regular.controls[1].values).toEqual({ smoothing: '75%', random: '—' });
    const pseudo = interpretSweep(report({ controls: [{ ...base.controls[1], gain: g(0.16, 0.02) }] }), fmt);
    expect(pseudo.controls[1]).toEqual({
      key: 'experiments.read.darkLittle',
      values: { permuted: '80%', dark: '20%' },
    });
    const cells = base.cells.map((c, i) => (i === 2 ? { ...c, gain: g(0.02, 0.02) } : c));
    expect(interpretSweep(report({ cells }), fmt).controls.map((l) => l.key)).toEqual([
      'experiments.read.controlsNoise',
    ]);
    const cal = (nllAfter: number, eceAfter: number) =>
      interpretSweep(report({ calibration: { ...base.calibration!, nllAfter, eceAfter } }), fmt).calibration[1].key;
    expect(cal(1.05, 0.03)).toBe('experiments.read.calibrationScaling');
    expect(cal(1.2, 0.02)).toBe('experiments.read.calibrationMixedNll');
    expect(cal(1.05, 0.05)).toBe('experiments.read.calibrationMixedEce');
    expect(interpretSweep(report({ controls: [], calibration: null }), fmt)).toMatchObject({
      controls: [],
      calibration: [],
    });
  });
});

function setup() {
  const port: WorkerPort = { postMessage: () => {}, onmessage: null };
  const controller = new Controller(createStore(initialState(DEFAULT_CONFIG)), port, () => {});
  const sent: SweepCommand[] = [];
  const sweepPort: SweepPort = { postMessage: (c) => void sent.push(c), onmessage: null };
  const sweeps = new SweepController(() => sweepPort, null, '/');
  const emit = (e: SweepEvent) => act(() => sweepPort.onmessage!({ data: e } as MessageEvent<SweepEvent>));
  render(
    <ControllerContext.Provider value={controller}>
      <SweepContext.Provider value={sweeps}>
        <ExperimentsPanel />
      </SweepContext.Provider>
    </ControllerContext.Provider>,
  );
  return { sent, emit, sweeps };
}

describe('Experiments view', () => {
  it('opens from its summary, starts the chosen sweep, and fills the heat-map, controls and reading from the reports', () => {
    const { sent, emit } = setup();
    const panel = screen.getByTestId('experiments');
    fireEvent.click(within(panel).getByText(/^Experiments/));
    (panel as HTMLDetailsElement).open = true;
    fireEvent(panel, new Event('toggle'));
    // Choose: drop T = 1 and seed 2, add α = 0.7.
    fireEvent.click(screen.getByRole('checkbox', { name: 'T = 1' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'α = 0.7' }));
    fireEvent.click(within(screen.getByRole('group', { name: /Seeds/ })).getByRole('checkbox', { name: '2' }));
    expect(screen.getByText(/7 students per stack, 1 stack/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Start sweep' }));
    const start = sent.find((c) => c.type === 'sweepStart') as Extract<SweepCommand, { type: 'sweepStart' }>;
    expect(start.config).toMatchObject({ temperatures: [4], alphas: [0.5, 0.7, 0.9], seeds: [1] });
    expect(screen.getByRole('button', { name: 'Stop sweep' })).toBeTruthy();

    emit({ type: 'sweepReport', runId: start.runId, report: report() });
    const cells = screen.getAllByTestId('sweep-cell');
    expect(cells.map((c) => c.getAttribute('data-verdict'))).toEqual(['noise', 'helps', 'helps', 'noise']);
    expect(cells[2].textContent).toContain('+20.0 pts');
    expect(cells[2].textContent).toContain('± 4.0 pts');
    expect(cells[0].textContent).toContain('within noise');
    const img = within(screen.getByTestId('sweep-heatmap')).getByRole('img');
    expect(img.getAttribute('aria-label')).toContain('T = 4, α = 0.5: +20.0 pts ± 4.0 pts');
    expect(screen.getByTestId('sweep-control-permuted').textContent).toContain('30%');
    expect(screen.getByTestId('sweep-reading').textContent).toContain('about 70% of the gain is dark knowledge');
    expect(screen.getByTestId('sweep-calibration').textContent).toContain('1.200');

    emit({ type: 'sweepStatus', runId: start.runId, status: 'done', group: 0, detail: '' });
    fireEvent.click(screen.getByRole('button', { name: 'Start sweep' }));
    expect(sent.filter((c) => c.type === 'sweepStart')).toHaveLength(2);
    expect(screen.queryAllByTestId('sweep-cell')).toHaveLength(0);
  });

  it('will not start an invalid sweep, and says why', () => {
    setup();
    const panel = screen.getByTestId('experiments') as HTMLDetailsElement;
    panel.open = true;
    fireEvent(panel, new Event('toggle'));
    for (const name of ['α = 0.5', 'α = 0.9']) fireEvent.click(screen.getByRole('checkbox', { name }));
    expect((screen.getByRole('button', { name: 'Start sweep' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('alert').textContent).toContain('choose at least one α');
  });

  it('shows the capacity ladder once a second student size reports', () => {
    const { sent, emit } = setup();
    const panel = screen.getByTestId('experiments') as HTMLDetailsElement;
    panel.open = true;
    fireEvent(panel, new Event('toggle'));
    fireEvent.click(screen.getByRole('checkbox', { name: 'tiny' }));
    fireEvent.click(screen.getByRole('button', { name: 'Start sweep' }));
    const { runId } = sent.find((c) => c.type === 'sweepStart') as Extract<SweepCommand, { type: 'sweepStart' }>;
    emit({ type: 'sweepReport', runId, report: report({ final: true }) });
    emit({ type: 'sweepReport', runId, report: report({ group: 1, student: 'tiny', parameters: 5000, step: 100 }) });
    const ladder = screen.getByTestId('sweep-ladder');
    expect(within(ladder).getByRole('img').getAttribute('aria-label')).toContain(
      'student-s: +20.0 pts ± 4.0 pts; tiny: +20.0 pts ± 4.0 pts',
    );
    expect(within(ladder).getAllByRole('row')).toHaveLength(3);
  });
});
