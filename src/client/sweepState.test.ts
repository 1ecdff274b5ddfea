import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import { validateSweep, type SweepReport } from '../sweepConfig';
import type { SweepCommand, SweepEvent } from '../worker/sweepProtocol';
import { SweepController, type SweepPort } from './sweepController';
import {
  DEFAULT_SWEEP_FORM,
  initialSweepState,
  sweepConfigFrom,
  sweepReducer,
  sweepRunning,
  type SweepAction,
  type SweepState,
} from './sweepState';

const ev = (event: SweepEvent): SweepAction => ({ type: 'event', event });
const run = (s: SweepState, ...actions: SweepAction[]) => actions.reduce(sweepReducer, s);
const config = sweepConfigFrom(DEFAULT_SWEEP_FORM, DEFAULT_CONFIG);

function report(group: number, step: number): SweepReport {
  const gain = { gain: 0.1, se: 0.02, seRows: 0.02, seSeeds: null, perSeed: [0.1] };
  return {
    group,
    student: 'student-s',
    parameters: 1000,
    step,
    steps: 300,
    final: false,
    members: 2,
    teacherAccuracy: 0.7,
    baselineAccuracy: 0.4,
    cells: [{ temperature: 4, alpha: 0.5, accuracy: 0.5, gain }],
    temperatures: [4],
    alphas: [0.5],
    seeds: [1],
    reference: { t: 0, a: 0 },
    controls: [],
    calibration: null,
    n: 500,
    rows: 500,
  };
}

describe('sweep reducer', () => {
  it('the default form makes a valid sweep on the default settings, logit KD only', () => {
    expect(validateSweep(config)).toEqual([]);
    expect(config.run.hyper).toMatchObject({ beta: 0, gamma: 0, delta: 0 });
    expect(config.run.steps).toBe(DEFAULT_SWEEP_FORM.steps);
    expect(sweepConfigFrom({ ...DEFAULT_SWEEP_FORM, temperatures: [8, 1, 4] }, DEFAULT_CONFIG).temperatures).toEqual([
      1, 4, 8,
    ]);
  });

  it('keeps the latest report of each group and drops events of any other sweep', () => {
    let s = run(initialSweepState(), { type: 'started', runId: 2, config });
    expect(sweepRunning(s)).toBe(true);
    s = run(
      s,
      ev({ type: 'sweepReport', runId: 2, report: report(0, 50) }),
      ev({ type: 'sweepReport', runId: 2, report: report(0, 100) }),
      ev({ type: 'sweepReport', runId: 2, report: report(1, 50) }),
    );
    expect(s.reports.map((r) => [r!.group, r!.step])).toEqual([
      [0, 100],
      [1, 50],
    ]);
    const before = s;
    s = run(
      s,
      ev({ type: 'sweepReport', runId: 1, report: report(0, 300) }),
      ev({ type: 'sweepError', runId: 1, message: 'late' }),
      ev({ type: 'sweepStatus', runId: 1, status: 'done', group: 0, detail: '' }),
    );
    expect(s).toBe(before);
    // A new sweep starts with nothing of the last one but the form and the backend.
    s = run(
      s,
      ev({ type: 'sweepBackend', info: { name: 'wasm', fallbackReason: null, forced: 'wasm', attempts: [] } }),
      { type: 'form', form: { seeds: [3] } },
      { type: 'started', runId: 3, config },
    );
    expect(s.reports).toEqual([]);
    expect(s.form.seeds).toEqual([3]);
    expect(s.backend!.name).toBe('wasm');
  });

  it('an error or a refusal shows its message; stop ends the sweep; progress is kept per group', () => {
    let s = run(initialSweepState(), { type: 'started', runId: 1, config });
    s = run(s, ev({ type: 'sweepProgress', runId: 1, group: 0, step: 10, steps: 300, stepsPerSec: 2 }));
    expect(s.progress).toEqual({ group: 0, step: 10, steps: 300, stepsPerSec: 2 });
    s = run(s, { type: 'stopping', runId: 1 }, ev({ type: 'sweepStopped', runId: 1 }));
    expect(s.status).toBe('stopped');
    expect(sweepRunning(s)).toBe(false);
    s = run(
      s,
      { type: 'started', runId: 2, config },
      ev({ type: 'sweepError', runId: 2, message: 'a sweep of 16 students needs about 5 GiB' }),
      ev({ type: 'sweepStatus', runId: 2, status: 'error', group: 0, detail: 'x' }),
    );
    expect(s.status).toBe('error');
    expect(s.error).toBe('a sweep of 16 students needs about 5 GiB');
  });
});

describe('sweep controller', () => {
  it('creates the worker at the first start, sends init then start, and routes events into the state', () => {
    const sent: SweepCommand[] = [];
    let made = 0;
    const port: SweepPort = { postMessage: (c) => void sent.push(c), onmessage: null };
    const c = new SweepController(() => (made++, port), 'wasm', '/base/');
    expect(made).toBe(0);
    c.setForm({ alphas: [0.7] });
    const id = c.start(DEFAULT_CONFIG);
    expect(made).toBe(1);
    expect(sent.map((m) => m.type)).toEqual(['sweepInit', 'sweepStart']);
    expect(sent[0]).toEqual({ type: 'sweepInit', forcedBackend: 'wasm', assetsBase: '/base/' });
    const start = sent[1] as Extract<SweepCommand, { type: 'sweepStart' }>;
    expect(start.runId).toBe(id);
    expect(start.config.alphas).toEqual([0.7]);
    port.onmessage!({ data: { type: 'sweepReport', runId: id, report: report(0, 50) } } as MessageEvent<SweepEvent>);
    expect(c.getState().reports[0]!.step).toBe(50);
    c.stop();
    expect(sent.at(-1)).toEqual({ type: 'sweepStop', runId: id });
    c.start(DEFAULT_CONFIG);
    expect(made).toBe(1);
    expect(c.problems({ ...DEFAULT_CONFIG, hyper: { ...DEFAULT_CONFIG.hyper, lr: -1 } }).join()).toMatch(
      /lr must be between/,
    );
  });
});
