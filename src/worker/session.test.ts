// The worker session driven with a fake `post` on the cpu backend, tiny models, a few steps.

import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../config';
import { buildTask } from '../data';
import { memoryLimits, type MemoryLimits } from '../memory';
import { exportModel } from '../model/export';
import { GPT } from '../model/gpt';
import { modelConfigFor } from '../train/steps';
import { AUTO_TEACHER_STEPS, type WorkerEvent } from './protocol';
import { Recorder } from './eventRecorder';
import { Session } from './session';
import type { AssetLoader } from './teachers';

const CONFIG: RunConfig = {
  ...DEFAULT_CONFIG,
  task: 'modadd',
  teacher: 'tiny',
  student: 'tiny',
  teacherSteps: 3,
  steps: 6,
  warmupSteps: 1,
  evalEvery: 3,
  labelled: 20,
  transfer: 20,
  hyper: { ...DEFAULT_CONFIG.hyper, batchSize: 4 },
};

const noAssets: AssetLoader = async () => null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function makeSession(loadAsset: AssetLoader = noAssets, memoryLimits?: () => MemoryLimits) {
  const rec = new Recorder();
  const session = new Session({
    post: rec.post,
    chooseBackend: async () => ({
      name: 'cpu',
      fallbackReason: 'test',
      forced: 'cpu',
      attempts: [{ name: 'cpu', ok: true }],
    }),
    loadAsset,
    flushMs: 0,
    predictEveryMs: 0,
    ...(memoryLimits ? { memoryLimits } : {}),
  });
  return { rec, session };
}

let live: Session | null = null;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(async () => {
  await live?.dispose();
  live = null;
});

describe('worker session', () => {
  it('runs teacher, distillation, test and done, with events in order (no caching phase: the teacher cache fills as steps go)', async () => {
    const { rec, session } = makeSession();
    live = session;
    await session.handle({ type: 'init', forcedBackend: 'cpu', assetsBase: '/' });
    expect(rec.events[0]).toMatchObject({ type: 'backend', info: { name: 'cpu' } });
    await session.handle({ type: 'start', runId: 1, config: CONFIG, paused: false });
    await rec.waitFor((e) => e.type === 'phase' && e.phase === 'done');

    const phases = rec.of('phase').map((e) => e.phase);
    expect(phases).toEqual(['loading', 'teacher', 'distill', 'testing', 'done']);
    expect(rec.points('teacher').map((p) => p.step)).toEqual([1, 2, 3]);
    expect(rec.points('distill').map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    const d = rec.points('distill')[0];
    for (const k of ['total', 'hard', 'soft', 'baseline'] as const) expect(Number.isFinite(d.values[k])).toBe(true);

    // Order: every teacher point before the distill phase event, every distillation point after it.
    const idx = (pred: (e: WorkerEvent) => boolean) => rec.events.findIndex(pred);
    const distill = idx((e) => e.type === 'phase' && e.phase === 'distill');
    rec.events.forEach((e, i) => {
      if (e.type !== 'points') return;
      if (e.points.some((p) => p.phase === 'teacher')) expect(i).toBeLessThan(distill);
      if (e.points.some((p) => p.phase === 'distill')) expect(i).toBeGreaterThan(distill);
    });
    // Cache progress comes during distillation, grows, and counts the training rows the batches touched.
    const progress = rec.events.flatMap((e, i) => (e.type === 'cacheProgress' ? [{ i, e }] : []));
    expect(progress.length).toBeGreaterThan(1);
    progress.forEach(({ i }) => expect(i).toBeGreaterThan(distill));
    expect(progress[0].e.done).toBe(0);
    const done = progress.map((p) => p.e.done);
    expect([...done].sort((a, b) => a - b)).toEqual(done);
    const lastProgress = progress[progress.length - 1].e;
    expect(lastProgress.done).toBeGreaterThan(0);
    expect(lastProgress.done).toBeLessThanOrEqual(lastProgress.total);
    expect(lastProgress.done).toBe(session.current!.run!.distiller!.cache.cached);
    const evals = rec.of('eval').map((e) => `${e.report.phase}:${e.report.split}:${e.report.step}`);
    expect(evals.slice(-4)).toEqual(['distill:val:0', 'distill:val:3', 'distill:val:6', 'distill:test:6']);
    const test = rec.of('eval').at(-1)!.report;
    expect(test.student!.agreement).toBeGreaterThanOrEqual(0);
    expect(test.baseline!.confusion!.length).toBe(13);
    expect(rec.events.every((e) => !('runId' in e) || e.runId === 1)).toBe(true);
    expect(rec.of('error')).toEqual([]);
  });

  it('step does exactly one step while paused, and pause stops the steps', async () => {
    const { rec, session } = makeSession();
    live = session;
    await session.handle({
      type: 'start',
      runId: 7,
      config: { ...CONFIG, teacherSteps: 2, steps: 1000 },
      paused: true,
    });
    await sleep(200);
    expect(rec.points()).toEqual([]);
    await session.handle({ type: 'step', runId: 7 });
    await rec.waitFor((e) => e.type === 'points');
    await sleep(200);
    expect(rec.points().map((p) => `${p.phase}${p.step}`)).toEqual(['teacher1']);
    await session.handle({ type: 'step', runId: 7 });
    await rec.waitFor(() => rec.points().length === 2);
    await sleep(100);
    expect(rec.points().map((p) => `${p.phase}${p.step}`)).toEqual(['teacher1', 'teacher2']);

    // Resume into distillation, then pause: the count stops.
    await session.handle({ type: 'resume', runId: 7 });
    await rec.waitFor(() => rec.points('distill').length >= 3);
    await session.handle({ type: 'pause', runId: 7 });
    await sleep(300); // the step in flight finishes and is flushed
    const stoppedAt = rec.points().length;
    await sleep(400);
    expect(rec.points().length).toBe(stoppedAt);
    // A single step from the paused distillation phase adds exactly one point.
    await session.handle({ type: 'step', runId: 7 });
    await rec.waitFor(() => rec.points().length === stoppedAt + 1);
    await sleep(300);
    expect(rec.points().length).toBe(stoppedAt + 1);
    const last = rec.points('distill');
    expect(last[last.length - 1].step).toBe(last[last.length - 2].step + 1);
    // Commands for another run id are ignored.
    await session.handle({ type: 'resume', runId: 6 });
    await sleep(200);
    expect(rec.points().length).toBe(stoppedAt + 1);
  });

  it('setHyper takes effect at the next step and is marked', async () => {
    const { rec, session } = makeSession();
    live = session;
    await session.handle({ type: 'start', runId: 2, config: { ...CONFIG, teacherSteps: 1, steps: 100 }, paused: true });
    await session.handle({ type: 'step', runId: 2 }); // the one teacher step
    await rec.waitFor((e) => e.type === 'points');
    await session.handle({ type: 'step', runId: 2 }); // distillation step 1, default hyper
    await rec.waitFor(() => rec.points('distill').length === 1);
    expect(rec.points('distill')[0]).toMatchObject({ temperature: 4, alpha: 0.7 });

    await session.handle({ type: 'setHyper', runId: 2, hyper: { ...CONFIG.hyper, temperature: 2, alpha: 0.25 } });
    await sleep(100);
    expect(rec.points('distill').length).toBe(1); // paused: nothing runs until asked
    await session.handle({ type: 'step', runId: 2 });
    await rec.waitFor(() => rec.points('distill').length === 2);
    expect(rec.points('distill')[1]).toMatchObject({ step: 2, temperature: 2, alpha: 0.25 });
    const marks = rec.of('hyperApplied');
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({
      runId: 2,
      phase: 'distill',
      step: 2,
      changes: { temperature: { from: 4, to: 2 }, alpha: { from: 0.7, to: 0.25 } },
    });
  });

  it('a change of the objective (reverse KL, no T²) applies at the next step and is marked; a refused mix is not applied', async () => {
    const { rec, session } = makeSession();
    live = session;
    await session.handle({ type: 'start', runId: 3, config: { ...CONFIG, teacherSteps: 1, steps: 100 }, paused: true });
    await session.handle({ type: 'step', runId: 3 }); // the one teacher step
    await rec.waitFor((e) => e.type === 'points');
    await session.handle({ type: 'step', runId: 3 }); // distillation step 1, forward KL
    await rec.waitFor(() => rec.points('distill').length === 1);
    // reverse KL against a top-k teacher is refused (objectiveProblems): the run keeps its objective
    await session.handle({ type: 'setHyper', runId: 3, hyper: { ...CONFIG.hyper, divergence: 1, sparseTeacher: 1 } });
    await session.handle({ type: 'step', runId: 3 });
    await rec.waitFor(() => rec.points('distill').length === 2);
    expect(rec.of('hyperApplied')).toEqual([]);
    await session.handle({ type: 'setHyper', runId: 3, hyper: { ...CONFIG.hyper, divergence: 1, tSquared: 0 } });
    await session.handle({ type: 'step', runId: 3 });
    await rec.waitFor(() => rec.points('distill').length === 3);
    const marks = rec.of('hyperApplied');
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({
      runId: 3,
      phase: 'distill',
      step: 3,
      changes: { divergence: { from: 0, to: 1 }, tSquared: { from: 1, to: 0 } },
    });
    expect(Object.keys(marks[0].changes)).toEqual(['divergence', 'tSquared']);
  });

  it('reset disposes every tensor; events after it carry the old run id', async () => {
    const { rec, session } = makeSession();
    live = session;
    const before = tf.memory().numTensors;
    await session.handle({
      type: 'start',
      runId: 3,
      config: { ...CONFIG, teacherSteps: 2, steps: 1000 },
      paused: false,
    });
    await rec.waitFor(() => rec.points('distill').length >= 4);
    void session.handle({ type: 'predict', runId: 3, input: '3 + 4 =', continuations: true });
    const resetAt = rec.events.length;
    await session.handle({ type: 'reset', runId: 4 });
    const after = rec.events.slice(resetAt);
    expect(after.at(-1)).toEqual({ type: 'resetDone', runId: 4 });
    for (const e of after.slice(0, -1)) if ('runId' in e) expect(e.runId).toBe(3);
    expect(session.current).toBeNull();
    await sleep(100);
    expect(tf.memory().numTensors).toBe(before);
    const n = rec.events.length;
    await sleep(200);
    expect(rec.events.length).toBe(n); // nothing more from the old run

    // A new run after the reset works and is tagged with the new id.
    await session.handle({ type: 'start', runId: 4, config: { ...CONFIG, teacherSteps: 1, steps: 2 }, paused: false });
    await rec.waitFor((e) => e.type === 'phase' && e.phase === 'done' && e.runId === 4);
    await session.handle({ type: 'reset', runId: 5 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads a shipped teacher that fits, and skips the teacher phase', async () => {
    const task = buildTask('modadd', { seed: 1, labelled: 20, transfer: 20 });
    const teacher = GPT.init(modelConfigFor({ nLayer: 1, nHead: 2, nEmbd: 16 }, task), 5);
    const files = await exportModel(teacher, task.vocab, { task: 'modadd' });
    teacher.dispose();
    const assets: AssetLoader = async (path) => {
      if (path === '/base/teachers/modadd/config.json') return new TextEncoder().encode(files.configJson);
      if (path === '/base/teachers/modadd/model.safetensors') return files.safetensors;
      return null;
    };
    const { rec, session } = makeSession(assets);
    live = session;
    await session.handle({ type: 'init', forcedBackend: null, assetsBase: '/base/' });
    await session.handle({ type: 'setConfig', config: { ...CONFIG, teacherSteps: 0 } });
    expect(rec.of('taskInfo')[0]).toMatchObject({
      task: 'modadd',
      error: null,
      info: { kind: 'classification', seqLen: 5 },
    });
    expect(rec.of('shippedTeacher')[0].info).toEqual({ task: 'modadd', available: true, size: 'tiny' });
    await session.handle({ type: 'start', runId: 1, config: { ...CONFIG, teacherSteps: 0, steps: 3 }, paused: false });
    await rec.waitFor((e) => e.type === 'phase' && e.phase === 'done');
    expect(rec.of('phase').map((e) => e.phase)).toEqual(['loading', 'distill', 'testing', 'done']);
    expect(rec.of('notice')).toEqual([]);
    expect(rec.points('teacher')).toEqual([]);

    // A different teacher size cannot use it: a teacher is trained first.
    await session.handle({
      type: 'start',
      runId: 2,
      config: { ...CONFIG, teacher: 'student-s', teacherSteps: 0, steps: 1 },
      paused: true,
    });
    expect(rec.of('notice')[0]).toMatchObject({ runId: 2, teacherSteps: AUTO_TEACHER_STEPS });
    expect(rec.of('notice')[0].message).toMatch(
      /no shipped teacher for this task\/size; train one first.*shipped one is tiny; you chose student-s/,
    );
    await session.handle({ type: 'step', runId: 2 });
    await rec.waitFor((e) => e.type === 'points' && e.runId === 2);
    expect(rec.points('teacher')).toHaveLength(1);
  });

  it('refuses, before allocating, a run that does not fit the backend, and shows why as an error', async () => {
    const before = tf.memory().numTensors;
    // The largest teacher the bounds allow, on this backend's own limits (cpu: a 3 GiB budget).
    const { rec, session } = makeSession();
    live = session;
    await session.handle({
      type: 'start',
      runId: 1,
      config: {
        ...CONFIG,
        task: 'sentiment',
        teacher: '12x16x512',
        teacherSteps: 300,
        hyper: { ...CONFIG.hyper, batchSize: 32 },
      },
      paused: false,
    });
    expect(rec.of('error')[0].message).toMatch(
      /^this config needs about 3\.4 GiB \(at its peak, training the teacher\); the cpu backend's budget is 3 GiB/,
    );
    expect(rec.of('phase').map((e) => e.phase)).toEqual(['loading', 'error']);
    expect(rec.points()).toEqual([]);
    expect(session.current).toBeNull();
    expect(tf.memory().numTensors).toBe(before);

    // A tiny run against a tiny budget: refused with that budget in the message; within it, it runs.
    const small = makeSession(noAssets, () => memoryLimits('wasm', undefined, 1024 ** 2));
    live = small.session;
    await small.session.handle({ type: 'start', runId: 2, config: CONFIG, paused: false });
    expect(small.rec.of('error')[0].message).toMatch(/needs about \d+ MiB .*about 1 MiB of it for tensors/);
    const roomy = makeSession(noAssets, () => memoryLimits('wasm'));
    live = roomy.session;
    await roomy.session.handle({ type: 'start', runId: 3, config: { ...CONFIG, steps: 1 }, paused: false });
    await roomy.rec.waitFor((e) => e.type === 'phase' && e.phase === 'done');
    expect(roomy.rec.of('error')).toEqual([]);
  });

  it('predicts, exports, and reports upload errors without breaking', async () => {
    const { rec, session } = makeSession();
    live = session;
    await session.handle({ type: 'setConfig', config: CONFIG });
    await session.handle({
      type: 'upload',
      name: 'bad.csv',
      bytes: new TextEncoder().encode('text,label\nonly one row,a\n').buffer as ArrayBuffer,
    });
    expect(rec.of('uploadError')[0].message.length).toBeGreaterThan(10);
    await session.handle({ type: 'upload', name: 'notes.pdf', bytes: new Uint8Array([1, 2]).buffer as ArrayBuffer });
    expect(rec.of('uploadError')[1].message).toMatch(/\.txt.*\.csv/);
    const rows = Array.from(
      { length: 40 },
      (_, i) => `${i % 2 ? 'good great fun' : 'bad awful dull'} film ${i},${i % 2 ? 'pos' : 'neg'}`,
    );
    await session.handle({
      type: 'upload',
      name: 'mine.csv',
      bytes: new TextEncoder().encode('text,label\n' + rows.join('\n')).buffer as ArrayBuffer,
    });
    expect(rec.of('uploaded')[0]).toMatchObject({ task: 'custom-csv', name: 'mine.csv' });
    // The upload describes its task itself, right after 'uploaded': no setConfig round trip.
    const afterUpload = rec.events.slice(rec.events.indexOf(rec.of('uploaded')[0]) + 1).map((e) => e.type);
    expect(afterUpload).toEqual(['taskInfo', 'shippedTeacher']);
    expect(rec.of('taskInfo').at(-1)).toMatchObject({ task: 'custom-csv', info: { classes: ['neg', 'pos'] } });
    await session.handle({ type: 'setConfig', config: { ...CONFIG, task: 'custom-csv' } });
    expect(rec.of('taskInfo').at(-1)).toMatchObject({ task: 'custom-csv', info: { classes: ['neg', 'pos'] } });
    expect(rec.of('shippedTeacher').at(-1)!.info.available).toBe(false);

    await session.handle({ type: 'start', runId: 9, config: { ...CONFIG, teacherSteps: 1, steps: 2 }, paused: false });
    await rec.waitFor((e) => e.type === 'phase' && e.phase === 'done');
    await session.handle({ type: 'predict', runId: 9, input: '3 + 4 =', continuations: true });
    const pred = rec.of('prediction').at(-1)!.result;
    expect(pred.labels).toHaveLength(13);
    for (const role of ['teacher', 'student', 'baseline'] as const) {
      expect(pred[role]!.logits).toHaveLength(13);
      expect(pred[role]!.attention).toHaveLength(1); // tiny: one layer
      expect(pred[role]!.attention[0]).toHaveLength(2); // two heads
      expect(pred[role]!.attention[0][0]).toHaveLength(pred.tokens.length ** 2);
    }
    expect(pred.layerMap).toEqual([0]);
    const lat = rec.of('latency').at(-1)!.latency;
    expect(lat.teacher).toBeGreaterThan(0);
    await session.handle({ type: 'predict', runId: 9, input: 'what is this', continuations: false });
    expect(rec.of('predictionError').at(-1)!.message.length).toBeGreaterThan(5);

    await session.handle({ type: 'export', runId: 9, role: 'student' });
    const ex = rec.of('exported')[0];
    expect(ex.role).toBe('student');
    expect(ex.safetensors.byteLength).toBeGreaterThan(1000);
    expect(JSON.parse(ex.configJson)).toMatchObject({
      n_layer: 1,
      n_head: 2,
      n_embd: 16,
      task: 'modadd',
      role: 'student',
    });
  });
});
