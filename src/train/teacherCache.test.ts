import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PRESETS, taskOptions } from '../config';
import { buildTask } from '../data';
import { teacherTargets } from '../distill/stepLoss';
import { GPT } from '../model/gpt';
import { DEFAULT_ADAMW } from './adamw';
import { DistillStep, modelConfigFor } from './steps';
import { bucketSize, TeacherCache } from './teacherCache';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const H = { ...DEFAULT_CONFIG.hyper, batchSize: 8, lr: 5e-3 };

/** A cache over `count` rows of width `v` whose "teacher" row r is r·100 + column, counting its calls. */
function fakeCache(count: number, perRow: number, v: number) {
  const calls: number[][] = [];
  const cache = new TeacherCache(count, perRow, v, (rows) => {
    calls.push(Array.from(rows));
    const out = new Float32Array(rows.length * perRow * v);
    rows.forEach((r, i) => {
      for (let j = 0; j < perRow * v; j++) out[i * perRow * v + j] = r * 100 + j;
    });
    return tf.tensor2d(out, [rows.length * perRow, v]);
  });
  return { cache, calls };
}

describe('TeacherCache', () => {
  it('pads a batch to a power of two', () => {
    expect([1, 2, 3, 5, 8, 9, 32].map(bucketSize)).toEqual([1, 2, 4, 8, 8, 16, 32]);
  });

  it('computes each row once, only when a batch first needs it, and keeps what it computed', async () => {
    const start = tf.memory().numTensors;
    const { cache, calls } = fakeCache(10, 2, 3);
    expect(cache.ensure(Int32Array.from([4, 1, 4, 7]))).toBe(3); // duplicates count once
    expect(calls).toEqual([[4, 1, 7, 4]]); // padded to 4 with the first missing row
    expect(cache.ensure(Int32Array.from([1, 7]))).toBe(0);
    expect(calls.length).toBe(1);
    expect(cache.cached).toBe(3);
    const logits = (await cache.rawLogits.data()) as Float32Array;
    for (let r = 0; r < 10; r++) {
      const row = Array.from(logits.subarray(r * 6, r * 6 + 6));
      expect(row).toEqual([1, 4, 7].includes(r) ? [0, 1, 2, 3, 4, 5].map((j) => r * 100 + j) : new Array(6).fill(0));
    }
    expect(await cache.fillAll({ chunk: 4 })).toBe(true);
    expect(cache.complete).toBe(true);
    const all = (await cache.rawLogits.data()) as Float32Array;
    expect(Array.from(all)).toEqual(Array.from({ length: 60 }, (_, i) => Math.floor(i / 6) * 100 + (i % 6)));
    cache.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('keeps the softmax at T up to date row by row, and across a change of T', async () => {
    const { cache } = fakeCache(6, 1, 4);
    cache.ensure(Int32Array.from([0, 2]));
    cache.at(2); // built while rows 1, 3, 4, 5 are missing
    cache.ensure(Int32Array.from([3, 5]));
    const check = async (T: number, rows: number[]) => {
      const got = cache.at(T);
      const want = tf.tidy(() => {
        const w = teacherTargets(cache.rawLogits, T);
        return [w.probs, w.offsets];
      });
      const [gp, go, wp, wo] = await Promise.all([
        got.probs.data(),
        got.offsets.data(),
        want[0].data(),
        want[1].data(),
      ]);
      for (const r of rows) {
        for (let j = 0; j < 4; j++) expect(gp[r * 4 + j]).toBeCloseTo(wp[r * 4 + j], 6);
        for (let j = 0; j < 2; j++) expect(go[r * 2 + j]).toBeCloseTo(wo[r * 2 + j], 6);
      }
      tf.dispose(want);
    };
    await check(2, [0, 2, 3, 5]);
    await check(0.5, [0, 2, 3, 5]);
    cache.ensure(Int32Array.from([1, 4]));
    await check(0.5, [0, 1, 2, 3, 4, 5]);
    cache.dispose();
  });

  it('a stop part way keeps the rows done and reports progress per chunk', async () => {
    const { cache } = fakeCache(10, 1, 2);
    cache.ensure(Int32Array.from([0]));
    const seen: number[] = [];
    let n = 0;
    expect(await cache.fillAll({ chunk: 3, onProgress: (d) => seen.push(d), stopped: () => n++ >= 2 })).toBe(false);
    expect(seen).toEqual([4, 7]);
    expect(cache.cached).toBe(7);
    expect(await cache.fillAll({ chunk: 3, onProgress: (d) => seen.push(d) })).toBe(true);
    expect(seen).toEqual([4, 7, 10]);
    cache.dispose();
  });
});

describe('DistillStep with the lazy teacher cache', () => {
  for (const taskId of ['sentiment', 'grammar'] as const) {
    it(`${taskId}: steps on a lazily filled cache report what steps on an eagerly filled one report, and a warm cache runs no teacher`, async () => {
      const task = buildTask(taskId, taskOptions({ labelled: 12, transfer: 20 }));
      const teacher = GPT.init(modelConfigFor(PRESETS.tiny, task), 5);
      tf.tidy(() => teacher.forward(tf.zeros([1, task.seqLen], 'int32')).logits); // the model keeps its causal mask
      const start = tf.memory().numTensors;
      const lazy = new DistillStep(teacher, task, PRESETS.tiny, 3, 12, DEFAULT_ADAMW);
      const eager = new DistillStep(teacher, task, PRESETS.tiny, 3, 12, DEFAULT_ADAMW);
      expect(await eager.cacheTeacher({ chunk: 7 })).toBe(true);
      const forward = teacher.forward.bind(teacher);
      let forwards = 0;
      teacher.forward = (...args) => (forwards++, forward(...args));
      try {
        for (let i = 0; i < 12; i++) {
          const h = { ...H, temperature: i < 6 ? 4 : 2 }; // a change of T part way
          const a = lazy.step(h, 1e-3);
          const b = eager.step(h, 1e-3);
          const [x, y] = await Promise.all([a.data(), b.data()]);
          tf.dispose([a, b]);
          x.forEach((v, j) => expect(v).toBeCloseTo(y[j], 5));
        }
        expect(lazy.cache.cached).toBeGreaterThan(0);
        expect(forwards).toBeGreaterThan(0); // only the lazy one ran the teacher
        const f = forwards;
        await lazy.cacheTeacher();
        forwards = 0;
        expect(f).toBeGreaterThan(0);
        const before = tf.memory().numTensors;
        for (let i = 0; i < 5; i++) lazy.step(H, 1e-3).dispose();
        expect(forwards).toBe(0);
        expect(tf.memory().numTensors).toBe(before);
        const [l, e] = await Promise.all([lazy.teacherLogits.data(), eager.teacherLogits.data()]);
        l.forEach((v, j) => expect(v).toBeCloseTo(e[j], 5));
      } finally {
        teacher.forward = forward;
        lazy.dispose();
        eager.dispose();
      }
      expect(tf.memory().numTensors).toBe(start);
      teacher.dispose();
    });
  }
});
