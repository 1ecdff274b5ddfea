// The sweep worker's session driven with a fake `post` on the cpu backend: tiny models, few steps.

import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import { memoryLimits, type MemoryLimits } from '../memory';
import type { SweepConfig } from '../sweepConfig';
import type { SweepEvent } from './sweepProtocol';
import { SweepSession } from './sweepSession';

const SWEEP: SweepConfig = {
  run: {
    ...DEFAULT_CONFIG,
    task: 'modadd',
    teacher: 'tiny',
    student: 'tiny',
    teacherSteps: 3,
    steps: 4,
    warmupSteps: 1,
    evalEvery: 2,
    labelled: 16,
    transfer: 16,
    hyper: { ...DEFAULT_CONFIG.hyper, batchSize: 4 },
  },
  temperatures: [1, 4],
  alphas: [0.5, 0.9],
  seeds: [1],
  controls: ['permuted', 'label-smoothing', 'temperature-scaling'],
  students: ['tiny'],
  smoothing: 0.1,
};

class Recorder {
  events: SweepEvent[] = [];
  post = (e: SweepEvent) => void this.events.push(e);
  of<T extends SweepEvent['type']>(type: T): Extract<SweepEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<SweepEvent, { type: T }> => e.type === type);
  }
  async waitFor(pred: (e: SweepEvent) => boolean, timeoutMs = 60_000): Promise<SweepEvent> {
    const t0 = Date.now();
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting for an event');
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

function makeSession(limits?: () => MemoryLimits) {
  const rec = new Recorder();
  const session = new SweepSession({
    post: rec.post,
    chooseBackend: async () => ({
      name: 'cpu',
      fallbackReason: 'test',
      forced: 'cpu',
      attempts: [{ name: 'cpu', ok: true }],
    }),
    loadAsset: async () => null,
    flushMs: 0,
    ...(limits ? { memoryLimits: limits } : {}),
  });
  return { rec, session };
}

let live: SweepSession | null = null;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(async () => {
  await live?.dispose();
  live = null;
});

describe('sweep session', () => {
  it('estimates memory, trains the teacher, then streams a report per evaluation, all tagged with the runId', async () => {
    const before = tf.memory().numTensors;
    const { rec, session } = makeSession();
    live = session;
    await session.handle({ type: 'sweepInit', forcedBackend: 'cpu', assetsBase: '/' });
    expect(rec.events[0]).toMatchObject({ type: 'sweepBackend', info: { name: 'cpu' } });
    await session.handle({ type: 'sweepStart', runId: 7, config: SWEEP });
    await session.loop;
    const statuses = rec.of('sweepStatus').map((e) => e.status);
    expect(statuses[0]).toBe('loading');
    expect(statuses).toContain('teacher');
    expect(statuses).toContain('caching');
    expect(statuses.at(-1)).toBe('done');
    const memory = rec.of('sweepMemory')[0].memory;
    expect(memory.members).toBe(1 + 4 + 2);
    expect(memory.peakBytes).toBeGreaterThan(0);
    expect(memory.peakBytes).toBeLessThan(memory.limitBytes);
    const reports = rec.of('sweepReport').map((e) => e.report);
    expect(reports.map((r) => [r.step, r.final])).toEqual([
      [2, false],
      [4, true],
    ]);
    expect(reports[1].cells).toHaveLength(4);
    expect(reports[1].controls.map((c) => c.control)).toEqual(['permuted', 'label-smoothing']);
    expect(reports[1].calibration).not.toBeNull();
    expect(rec.of('sweepProgress').at(-1)).toMatchObject({ step: 4, steps: 4 });
    expect(rec.events.every((e) => !('runId' in e) || e.runId === 7)).toBe(true);
    expect(rec.of('sweepError')).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a sweep that does not fit, with the estimate and the limit, before allocating anything', async () => {
    const before = tf.memory().numTensors;
    const { rec, session } = makeSession(() => memoryLimits('cpu', undefined, 64 * 1024));
    live = session;
    await session.handle({ type: 'sweepStart', runId: 1, config: SWEEP });
    await session.loop;
    const err = rec.of('sweepError');
    expect(err).toHaveLength(1);
    expect(err[0].message).toMatch(/a sweep of 7 students needs about [\d.]+ MiB .*the cpu backend's budget is/);
    expect(rec.of('sweepStatus').at(-1)!.status).toBe('error');
    expect(rec.of('sweepReport')).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an invalid sweep with the reason', async () => {
    const { rec, session } = makeSession();
    live = session;
    await session.handle({ type: 'sweepStart', runId: 2, config: { ...SWEEP, alphas: [] } });
    await session.loop;
    expect(rec.of('sweepError')[0].message).toMatch(/the sweep is not valid: choose at least one α/);
  });

  it('stops part way: no report after the stop, everything freed, and a new sweep starts clean', async () => {
    const before = tf.memory().numTensors;
    const { rec, session } = makeSession();
    live = session;
    await session.handle({
      type: 'sweepStart',
      runId: 3,
      config: { ...SWEEP, run: { ...SWEEP.run, steps: 200, evalEvery: 100 } },
    });
    await rec.waitFor((e) => e.type === 'sweepProgress' && e.step >= 2);
    await session.handle({ type: 'sweepStop', runId: 3 });
    const stoppedAt = rec.events.length;
    expect(rec.events.at(-1)).toEqual({ type: 'sweepStopped', runId: 3 });
    expect(rec.of('sweepReport')).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    await session.handle({ type: 'sweepStart', runId: 4, config: SWEEP });
    await session.loop;
    expect(rec.events.slice(stoppedAt).every((e) => !('runId' in e) || e.runId === 4)).toBe(true);
    expect(rec.of('sweepReport').filter((e) => e.runId === 4)).toHaveLength(2);
  });
});
