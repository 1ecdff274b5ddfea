// The worker's checkpoints and fault recovery, driven through Session with a fake page on cpu:
// checkpoint events (interval and pause), a start that resumes from checkpoint bytes exactly where
// an uninterrupted run would be, damaged bytes refused, a divergence rolled back to the last good
// checkpoint (paused, with a fault that says what to try), and a lost device recovered on another
// backend from the last checkpoint (the loss injected through SessionDeps.watchDeviceLoss).

import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../config';
import { useBackend } from '../../tests/parity/measure';
import { decodeRunCheckpoint, encodeRunCheckpoint } from '../train/checkpoint';
import { Recorder } from './eventRecorder';
import { DivergedError } from '../train/diverged';
import { divergenceFault, isDeviceLossError } from './faults';
import type { BackendInfo, BackendName, WorkerEvent } from './protocol';
import { Session, type SessionDeps } from './session';

const CONFIG: RunConfig = {
  ...DEFAULT_CONFIG,
  task: 'modadd',
  teacher: 'tiny',
  student: 'tiny',
  teacherSteps: 3,
  steps: 9,
  warmupSteps: 1,
  evalEvery: 3,
  labelled: 20,
  transfer: 20,
  hyper: { ...DEFAULT_CONFIG.hyper, batchSize: 4 },
};

const info = (name: BackendName): BackendInfo => ({
  name,
  fallbackReason: null,
  forced: null,
  attempts: [{ name, ok: true }],
});

function makeSession(extra: Partial<SessionDeps> = {}) {
  const rec = new Recorder();
  const session = new Session({
    post: rec.post,
    chooseBackend: async () => info('cpu'),
    loadAsset: async () => null,
    flushMs: 0,
    predictEveryMs: 1e9,
    checkpointEvery: 2,
    ...extra,
  });
  live.push(session);
  return { rec, session };
}

const live: Session[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isDone = (e: WorkerEvent) => e.type === 'phase' && e.phase === 'done';

beforeAll(async () => {
  await useBackend('cpu');
});

afterEach(async () => {
  for (const s of live.splice(0)) await s.dispose();
  await useBackend('cpu');
});

/** Every reported loss value of `phase` from step `after` on, as float32. */
function lossesAfter(rec: Recorder, phase: 'teacher' | 'distill', after: number): Float32Array {
  return Float32Array.from(
    rec
      .points(phase)
      .filter((p) => p.step > after)
      .flatMap((p) => Object.values(p.values)),
  );
}

describe('worker checkpoints', () => {
  it('posts a checkpoint at the start of each phase and every N steps, and resuming one continues bit for bit', async () => {
    const { rec, session } = makeSession();
    await session.handle({ type: 'start', runId: 1, config: CONFIG, paused: false });
    await rec.waitFor(isDone);
    const checkpoints = rec.of('checkpoint');
    expect(checkpoints.map((c) => `${c.phase}:${c.step}:${c.reason}`)).toEqual([
      'teacher:0:interval',
      'teacher:2:interval',
      'distill:0:interval',
      'distill:2:interval',
      'distill:4:interval',
      'distill:6:interval',
      'distill:8:interval',
    ]);
    const at4 = checkpoints.find((c) => c.phase === 'distill' && c.step === 4)!;
    expect(decodeRunCheckpoint(at4.bytes.slice(0)).meta.taken).toEqual({ teacher: 3, distill: 4 });

    // A new session (as after a reload) resumes from distillation step 4 with the checkpoint's config.
    const resumed = makeSession();
    await resumed.session.handle({
      type: 'start',
      runId: 2,
      config: { ...DEFAULT_CONFIG },
      paused: false,
      resume: at4.bytes.slice(0),
    });
    await resumed.rec.waitFor(isDone);
    expect(resumed.rec.of('error')).toEqual([]);
    expect(resumed.rec.points('teacher')).toEqual([]);
    expect(resumed.rec.points('distill').map((p) => p.step)).toEqual([5, 6, 7, 8, 9]);
    const a = lossesAfter(rec, 'distill', 4);
    const b = lossesAfter(resumed.rec, 'distill', 4);
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    expect(resumed.rec.of('eval').at(-1)!.report).toEqual(rec.of('eval').at(-1)!.report);
  });

  it('checkpoints on pause, once per step', async () => {
    const { rec, session } = makeSession({ checkpointEvery: 1000 });
    await session.handle({ type: 'start', runId: 3, config: { ...CONFIG, steps: 500 }, paused: true });
    await rec.waitFor((e) => e.type === 'checkpoint');
    await session.handle({ type: 'step', runId: 3 });
    await rec.waitFor(() => rec.of('checkpoint').some((c) => c.reason === 'pause' && c.step === 1));
    await sleep(200);
    expect(rec.of('checkpoint').map((c) => `${c.phase}:${c.step}:${c.reason}`)).toEqual([
      'teacher:0:pause',
      'teacher:1:pause',
    ]);
  });

  it('refuses a checkpoint of other data (another upload) with an error that says so', async () => {
    const { rec, session } = makeSession();
    const csv = (word: string) =>
      new TextEncoder().encode(
        'text,label\n' +
          Array.from({ length: 40 }, (_, i) => `${i % 2 ? 'good' : 'bad'} ${word} ${i},${i % 2 ? 'pos' : 'neg'}`).join(
            '\n',
          ),
      ).buffer as ArrayBuffer;
    const config = { ...CONFIG, task: 'custom-csv' as const };
    await session.handle({ type: 'upload', name: 'a.csv', bytes: csv('film') });
    await session.handle({ type: 'start', runId: 10, config, paused: true });
    await rec.waitFor((e) => e.type === 'checkpoint');
    const bytes = rec.of('checkpoint')[0].bytes;
    await session.handle({ type: 'reset', runId: 11 });
    await session.handle({ type: 'upload', name: 'b.csv', bytes: csv('book') });
    await session.handle({ type: 'start', runId: 11, config, paused: false, resume: bytes });
    expect(rec.of('error').at(-1)).toMatchObject({
      runId: 11,
      message:
        'cannot resume: the checkpoint was trained on other data for "custom-csv" (a different upload or labelled/transfer split)',
    });
  });

  it('refuses damaged checkpoint bytes with an error that says so, allocating nothing', async () => {
    const { rec, session } = makeSession();
    const before = tf.memory().numTensors;
    await session.handle({ type: 'start', runId: 4, config: CONFIG, paused: true });
    await rec.waitFor(() => rec.of('checkpoint').length > 0);
    const good = rec.of('checkpoint')[0].bytes;
    await session.handle({ type: 'reset', runId: 5 });
    expect(tf.memory().numTensors).toBe(before);
    const bad = good.slice(0);
    new Uint8Array(bad)[bad.byteLength - 3] ^= 1;
    await session.handle({ type: 'start', runId: 5, config: CONFIG, paused: false, resume: bad });
    expect(rec.of('error').at(-1)).toMatchObject({
      runId: 5,
      message: expect.stringMatching(/^cannot resume: the checkpoint is corrupted/),
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('worker checkpoints (non-finite)', () => {
  it('refuses a well-formed checkpoint that holds a NaN, naming the value, allocating nothing', async () => {
    const { rec, session } = makeSession();
    const before = tf.memory().numTensors;
    await session.handle({ type: 'start', runId: 4, config: CONFIG, paused: true });
    await rec.waitFor(() => rec.of('checkpoint').length > 0);
    const checkpoint = decodeRunCheckpoint(rec.of('checkpoint')[0].bytes);
    await session.handle({ type: 'reset', runId: 5 });
    const [name, data] = [...checkpoint.tensors][0];
    data[1] = NaN;
    const bytes = encodeRunCheckpoint(checkpoint); // a valid checksum over the NaN
    await session.handle({ type: 'start', runId: 5, config: CONFIG, paused: false, resume: bytes });
    expect(rec.of('error').at(-1)).toEqual({
      type: 'error',
      runId: 5,
      message: `cannot resume: the checkpoint holds a value that is not finite (${name} [1] = NaN)`,
    });
    expect(rec.of('points').filter((e) => e.runId === 5)).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('worker fault recovery', () => {
  it('rolls a diverged run back to its last good checkpoint, pauses it, says what to try, and resumes', async () => {
    const { rec, session } = makeSession();
    const before = tf.memory().numTensors;
    await session.handle({ type: 'start', runId: 6, config: { ...CONFIG, steps: 400 }, paused: false });
    await rec.waitFor((e) => e.type === 'checkpoint' && e.phase === 'distill' && e.step >= 4);
    // NaN weights, as after an overflowing update: the next step's loss is NaN.
    const run = session.current!.run!;
    tf.tidy(() => run.distiller!.student.variables().forEach((v) => v.assign(tf.fill(v.shape, NaN))));
    const fault = (await rec.waitFor((e) => e.type === 'fault')) as Extract<WorkerEvent, { type: 'fault' }>;
    const lastGood = rec
      .of('checkpoint')
      .filter((c) => rec.events.indexOf(c) < rec.events.indexOf(fault))
      .at(-1)!;
    expect(fault.fault).toMatchObject({ kind: 'divergence', phase: 'distill', rolledBackTo: lastGood.step });
    expect(fault.fault.message).toMatch(/^Training diverged at distillation step \d+: the total loss became NaN\./);
    expect(fault.fault.message).toMatch(/paused and put back to distillation step \d+.*lower learning rate/);
    expect(rec.of('paused').at(-1)).toMatchObject({ paused: true });
    expect(
      rec
        .of('points')
        .flatMap((e) => e.points)
        .every((p) => Object.values(p.values).every(Number.isFinite)),
    ).toBe(true);

    // The run now holds exactly the checkpoint's weights.
    await sleep(100);
    const now = session.current!.run!;
    expect(now.distillStep).toBe(lastGood.step);
    const saved = decodeRunCheckpoint(lastGood.bytes.slice(0));
    for (const [name, v] of now.distiller!.student.params) {
      const w = Float32Array.from((await v.data()) as Float32Array);
      const expected = Float32Array.from(saved.tensors.get(`student/${name}`)!);
      expect(Buffer.from(w.buffer).equals(Buffer.from(expected.buffer)), name).toBe(true);
    }
    // Resuming continues from there, finitely.
    const seen = rec.points('distill').length;
    await session.handle({ type: 'resume', runId: 6 });
    await rec.waitFor(() => rec.points('distill').length >= seen + 3);
    const after = rec.points('distill').slice(seen);
    expect(after[0].step).toBe(lastGood.step + 1);
    expect(after.every((p) => Object.values(p.values).every(Number.isFinite))).toBe(true);
    await session.dispose(); // the diverged run's tensors were freed at the rollback
    expect(tf.memory().numTensors).toBe(before);
  });

  it('recovers from a lost device on the next backend, from the last checkpoint, and says so', async () => {
    let loseDevice: (reason: string) => void = () => {};
    const { rec, session } = makeSession({
      // The run starts on "webgpu" (cpu underneath), and its device loss is injected here.
      chooseBackend: async () => info('webgpu'),
      watchDeviceLoss: (onLost) => {
        loseDevice = onLost;
        return () => (loseDevice = () => {});
      },
      recoverBackend: async (lost) => {
        expect(lost).toBe('webgpu');
        await useBackend('wasm');
        return info('wasm');
      },
    });
    await session.handle({ type: 'init', forcedBackend: null, assetsBase: '/' });
    const before = tf.memory().numTensors;
    await session.handle({ type: 'start', runId: 8, config: { ...CONFIG, steps: 12 }, paused: false });
    await rec.waitFor((e) => e.type === 'checkpoint' && e.phase === 'distill' && e.step >= 2);
    loseDevice('destroyed');
    const fault = (await rec.waitFor((e) => e.type === 'fault')) as Extract<WorkerEvent, { type: 'fault' }>;
    const lastGood = rec
      .of('checkpoint')
      .filter((c) => rec.events.indexOf(c) < rec.events.indexOf(fault))
      .at(-1)!;
    expect(fault.fault).toMatchObject({ kind: 'deviceLost', from: 'webgpu', to: 'wasm', resumedFrom: lastGood.step });
    expect(fault.fault.message).toBe(
      `The webgpu device was lost (destroyed). The run continues on wasm from its last checkpoint ` +
        `(${lastGood.phase === 'teacher' ? 'teacher training' : 'distillation'} step ${lastGood.step}); ` +
        `reload the page to try webgpu again.`,
    );
    expect(rec.of('backend').map((e) => e.info.name)).toEqual(['webgpu', 'wasm']);
    await rec.waitFor(isDone);
    expect(tf.getBackend()).toBe('wasm');
    const afterFault = rec.events
      .slice(rec.events.indexOf(fault))
      .flatMap((e) => (e.type === 'points' ? e.points : []));
    expect(afterFault[0]).toMatchObject({ phase: lastGood.phase, step: lastGood.step + 1 });
    expect(afterFault.at(-1)).toMatchObject({ phase: 'distill', step: 12 });
    expect(rec.of('error')).toEqual([]);
    await session.dispose(); // the abandoned run's tensors were freed once its loop ended
    expect(tf.memory().numTensors).toBe(before);
  });

  it('words the divergence fault for each case', () => {
    const hyper = { ...CONFIG.hyper, lr: 0.1, temperature: 4 };
    const e = new DivergedError('teacher', 7, 'the total loss became Infinity');
    expect(divergenceFault(e, { phase: 'teacher', step: 4 }, hyper)).toEqual({
      kind: 'divergence',
      phase: 'teacher',
      step: 7,
      rolledBackTo: 4,
      message:
        'Training diverged at teacher training step 7: the total loss became Infinity. The run is paused and put ' +
        'back to teacher training step 4, its last good checkpoint. Try a lower learning rate (now 0.1), or a ' +
        'smaller model, then resume.',
    });
    const d = divergenceFault(new DivergedError('distill', 3, 'the soft loss became NaN'), null, hyper);
    expect(d).toMatchObject({ kind: 'divergence', rolledBackTo: null });
    expect(d.message).toBe(
      'Training diverged at distillation step 3: the soft loss became NaN. No checkpoint existed yet, so the run ' +
        'is paused and starts over from step 0. Try a lower learning rate (now 0.1), a lower temperature T ' +
        '(now 4), or a smaller model, then resume.',
    );
  });

  it('tells the errors of a lost device from others', () => {
    expect(isDeviceLossError(new Error('Device is lost'))).toBe(true);
    expect(isDeviceLossError(new Error("Failed to execute 'mapAsync': GPUDevice was destroyed"))).toBe(true);
    expect(isDeviceLossError(new Error('the settings are not valid: lr must be ≤ 0.1'))).toBe(false);
  });
});
