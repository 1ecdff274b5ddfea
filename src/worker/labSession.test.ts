// The grammar lab worker's session driven with a fake `post` on the wasm backend (cpu is too slow
// for the shipped teacher's corpus), the shipped grammar
// teacher read from public/: a short lab streams progress and one report tagged with its runId; Stop
// ends it; a missing teacher is an error event; nothing leaks.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../tests/parity/measure';
import { REPO_ROOT } from '../cli/teachers';
import type { LabEvent } from './labProtocol';
import { DEFAULT_GRAMMAR_LAB } from '../train/grammarLab';
import { labConfigOf, LabSession } from './labSession';

const fromPublic = async (path: string) => {
  try {
    return new Uint8Array(await readFile(join(REPO_ROOT, 'public', path)));
  } catch {
    return null;
  }
};

function makeSession(loadAsset = fromPublic) {
  const events: LabEvent[] = [];
  const session = new LabSession({
    post: (e) => void events.push(e),
    chooseBackend: async () => ({
      name: 'cpu',
      fallbackReason: 'test',
      forced: 'cpu',
      attempts: [{ name: 'cpu', ok: true }],
    }),
    loadAsset,
    progressMs: 0,
  });
  const of = <T extends LabEvent['type']>(type: T) =>
    events.filter((e): e is Extract<LabEvent, { type: T }> => e.type === type);
  return { events, session, of };
}

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('lab session', () => {
  it('turns the panel request into the lab config', () => {
    const c = labConfigOf({ lambda: 0.5, steps: 100, samples: 200 });
    expect(c.corpus).toBe(DEFAULT_GRAMMAR_LAB.corpus);
    expect(labConfigOf({ lambda: 0.5, steps: 100, samples: 200, corpus: 30 }).corpus).toBe(30);
    expect(c.lambdas).toEqual([0.5]);
    expect(c.steps).toBe(100);
    expect(c.samples).toBe(200);
  });

  it('runs a short lab with the shipped teacher and reports every row under its runId', async () => {
    const before = tf.memory().numTensors;
    const { session, of, events } = makeSession();
    await session.handle({ type: 'labInit', forcedBackend: 'cpu', assetsBase: '' });
    expect(events[0]).toMatchObject({ type: 'labBackend', info: { name: 'cpu' } });
    await session.handle({ type: 'labStart', runId: 4, request: { lambda: 0.5, steps: 2, samples: 20, corpus: 40 } });
    await session.loop;
    expect(of('labError')).toEqual([]);
    const progress = of('labProgress');
    expect(progress[0].phase).toBe('loading');
    expect(progress.some((p) => p.phase === 'train' && p.kind === 'on-policy' && p.step === 2)).toBe(true);
    const [report] = of('labReport');
    expect(report.runId).toBe(4);
    expect(report.rows.map((r) => r.kind)).toEqual([
      'truth',
      'teacher',
      'baseline',
      'off-policy',
      'on-policy',
      'sequence-kd',
    ]);
    expect(report.rows[4].lambda).toBe(0.5);
    expect(report.rows[1].generation.validity).toBeGreaterThan(0.9); // the shipped teacher writes grammatical sentences
    expect(events.every((e) => e.type === 'labBackend' || e.runId === 4)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops at the next step when asked, without a report', async () => {
    const { session, of } = makeSession();
    await session.handle({ type: 'labInit', forcedBackend: 'cpu', assetsBase: '' });
    await session.handle({ type: 'labStart', runId: 1, request: { lambda: 1, steps: 1000, samples: 20 } });
    while (!of('labProgress').some((p) => p.phase === 'train')) await new Promise((r) => setTimeout(r, 5));
    await session.handle({ type: 'labStop', runId: 1 });
    expect(of('labStopped')).toEqual([{ type: 'labStopped', runId: 1 }]);
    expect(of('labReport')).toEqual([]);
    expect(of('labError')).toEqual([]);
  });

  it('reports a missing teacher as an error event', async () => {
    const { session, of } = makeSession(async () => null);
    await session.handle({ type: 'labStart', runId: 2, request: { lambda: 1, steps: 2, samples: 20 } });
    await session.loop;
    expect(of('labError')[0]).toMatchObject({ runId: 2, message: expect.stringMatching(/could not be loaded/) });
  });
});
