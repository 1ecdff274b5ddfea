// The app's "PyTorch script" export through the worker session: refused while the teacher trains,
// then one .zip of one folder with the repository's own kd_train.py and nanogpt.py (bundled ?raw).

import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../config';
import type { WorkerEvent } from './protocol';
import { Session } from './session';

const CONFIG: RunConfig = {
  ...DEFAULT_CONFIG,
  task: 'modadd',
  teacher: 'tiny',
  student: 'tiny',
  teacherSteps: 2,
  steps: 3,
  warmupSteps: 1,
  evalEvery: 3,
  labelled: 20,
  transfer: 20,
  seed: 7,
  hyper: { ...DEFAULT_CONFIG.hyper, batchSize: 4 },
};

let live: Session | null = null;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(async () => {
  await live?.dispose();
  live = null;
});

describe('worker: PyTorch script export', () => {
  it('answers exportScript with a zip of the run folder', async () => {
    const events: WorkerEvent[] = [];
    const session = new Session({
      post: (e) => events.push(e),
      chooseBackend: async () => ({
        name: 'cpu',
        fallbackReason: 'test',
        forced: 'cpu',
        attempts: [{ name: 'cpu', ok: true }],
      }),
      loadAsset: async () => null,
      flushMs: 0,
      predictEveryMs: 0,
    });
    live = session;
    await session.handle({ type: 'setConfig', config: CONFIG });
    await session.handle({ type: 'start', runId: 1, config: CONFIG, paused: true });
    // Paused before the teacher's first step: there is no final teacher to export yet.
    await session.handle({ type: 'exportScript', runId: 1 });
    expect(events.filter((e) => e.type === 'error').at(-1)).toMatchObject({
      message: expect.stringContaining('teacher is still training'),
    });

    await session.handle({ type: 'resume', runId: 1 });
    const t0 = Date.now();
    while (!events.some((e) => e.type === 'phase' && e.phase === 'done') && Date.now() - t0 < 60_000)
      await new Promise((r) => setTimeout(r, 10));
    await session.handle({ type: 'exportScript', runId: 1 });
    const ev = events.find((e): e is Extract<WorkerEvent, { type: 'exportedScript' }> => e.type === 'exportedScript');
    expect(ev).toBeDefined();
    expect(ev!.name).toBe('kd-modadd-seed7.zip');
    const files = unzipSync(new Uint8Array(ev!.zip));
    const dec = new TextDecoder();
    expect(Object.keys(files).every((p) => p.startsWith('kd-modadd-seed7/'))).toBe(true);
    expect(dec.decode(files['kd-modadd-seed7/kd_train.py'])).toBe(
      readFileSync('src/export/python/kd_train.py', 'utf8'),
    );
    expect(dec.decode(files['kd-modadd-seed7/nanogpt.py'])).toBe(readFileSync('src/export/python/nanogpt.py', 'utf8'));
    const run = JSON.parse(dec.decode(files['kd-modadd-seed7/run.json']));
    expect(run).toMatchObject({
      steps: 3,
      seed: 7,
      teacher_source: 'trained',
      exported_by: { source: 'app', backend: 'cpu' },
    });
    expect(files['kd-modadd-seed7/teacher/model.safetensors'].length).toBeGreaterThan(1000);
  });
});
