import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { SweepReport } from '../sweepConfig';
import type { SweepEvent } from '../worker/sweepProtocol';
import { parseRecord, type StoredRecord } from './runRecord';
import { keyMetric } from './runNames';
import { SweepController, type SweepPort } from './sweepController';
import { sweepConfigFrom, DEFAULT_SWEEP_FORM } from './sweepState';
import { sweepToRecord } from './sweepToRecord';

const config = sweepConfigFrom({ ...DEFAULT_SWEEP_FORM, temperatures: [1, 4], alphas: [0.5, 0.7] }, DEFAULT_CONFIG);

function finalReport(group: number, final = true): SweepReport {
  const gain = (g: number) => ({ gain: g, se: 0.02, seRows: 0.02, seSeeds: null, perSeed: [g] });
  return {
    group,
    student: config.students[group],
    parameters: 1000,
    step: 300,
    steps: 300,
    final,
    members: 6,
    teacherAccuracy: 0.75,
    baselineAccuracy: 0.38,
    cells: [
      { temperature: 1, alpha: 0.5, accuracy: 0.55, gain: gain(0.17) },
      { temperature: 1, alpha: 0.7, accuracy: 0.58, gain: gain(0.2) },
      { temperature: 4, alpha: 0.5, accuracy: 0.54, gain: gain(0.16) },
      { temperature: 4, alpha: 0.7, accuracy: 0.59, gain: gain(0.21) },
    ],
    temperatures: [1, 4],
    alphas: [0.5, 0.7],
    seeds: config.seeds,
    reference: { t: 1, a: 1 },
    controls: [],
    calibration: null,
    n: 500,
    rows: 500,
  };
}

describe('a finished sweep in the runs table', () => {
  it('is a valid sweep record whose key metrics are the reference cell’s, with every cell under its own name', () => {
    const reports = config.students.map((_, g) => finalReport(g));
    const record = sweepToRecord(config, reports, { id: 'sweep-1', now: 5 })!;
    expect(parseRecord(JSON.parse(JSON.stringify(record)))).toMatchObject({ ok: true });
    expect(record.kind).toBe('sweep');
    expect(keyMetric(record.metrics, 'gain')).toEqual({ value: 0.21, split: 'val' });
    expect(keyMetric(record.metrics, 'student')).toEqual({ value: 0.59, split: 'val' });
    expect(keyMetric(record.metrics, 'baseline')).toEqual({ value: 0.38, split: 'val' });
    expect(record.metrics[`cell.${config.students[0]}.T1.a0.5.gain`]).toBe(0.17);
    expect(record.title).toMatch(/^sweep · sentiment · .* · T 1, 4 × α 0.5, 0.7 · /);
    expect(record.url).toMatch(/task=sentiment/);
  });

  it('is not made before every size reported its final evaluation', () => {
    expect(sweepToRecord(config, [finalReport(0, false)], { id: 'x', now: 0 })).toBeNull();
  });

  it('the controller keeps it once, when the sweep is done', () => {
    const kept: StoredRecord[] = [];
    const port: SweepPort = { postMessage: () => {}, onmessage: null };
    const c = new SweepController(
      () => port,
      null,
      '/',
      undefined,
      (r) => kept.push(r),
    );
    c.setForm({ temperatures: [1, 4], alphas: [0.5, 0.7] });
    const runId = c.start(DEFAULT_CONFIG);
    const send = (event: SweepEvent) => port.onmessage!({ data: event } as MessageEvent<SweepEvent>);
    const groups = c.getState().config!.students.length;
    for (let g = 0; g < groups; g++) send({ type: 'sweepReport', runId, report: finalReport(g) });
    expect(kept).toHaveLength(0);
    send({ type: 'sweepStatus', runId, status: 'done', group: groups - 1, detail: 'done' });
    send({ type: 'sweepStatus', runId, status: 'done', group: groups - 1, detail: 'done' });
    expect(kept).toHaveLength(1);
    expect(kept[0].kind).toBe('sweep');
  });
});
