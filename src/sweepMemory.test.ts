// The sweep's memory estimate: held bytes by hand, growth with K, the refusal with estimate and
// limit, the largest K that fits, and the estimate against a real stacked step's measured peak.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { parameterCount, resolveSize, taskOptions } from './config';
import { buildTask } from './data';
import { GiB, memoryLimits, taskShape, type TaskShape } from './memory';
import {
  checkSweepMemory,
  estimateSweepMemory,
  maxSweepMembers,
  SweepMemoryError,
  type SweepShape,
} from './sweepMemory';
import { MemoryProbe } from './cli/memoryProbe';
import { GPT } from './model/gpt';
import { StackedDistillStep } from './train/stackedStep';
import { modelConfigFor } from './train/steps';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const SENTIMENT: TaskShape = {
  vocabSize: 99,
  seqLen: 22,
  kind: 'classification',
  teacherRows: 6000,
  trainRows: 2200,
  valRows: 500,
  testRows: 500,
};
const SWEEP: SweepShape = {
  teacher: 'teacher-s',
  student: 'student-s',
  batchSize: 32,
  members: 8,
  sources: 2,
  intermediate: false,
  splitMatMuls: true,
};

describe('sweep memory estimate', () => {
  it('holds parameters, 2 moments and one shared decay mask per stacked parameter, projections, and the caches (by hand)', () => {
    const cfg = (s: string) => ({ ...resolveSize(s), vocabSize: 99, blockSize: 22, bias: false, dropout: 0 });
    const Ps = parameterCount(cfg('student-s'));
    const Pt = parameterCount(cfg('teacher-s'));
    expect(Ps).toBe(2 * 12 * 32 ** 2 + 121 * 32 + 2 * 2 * 32 + 32); // 28,640
    const proj = 2 * 32 * 64;
    const e = estimateSweepMemory(SWEEP, SENTIMENT);
    expect(e.held.parameters).toBe(4 * (Pt + 8 * (Ps + proj)));
    expect(e.held.optimizer).toBe(4 * (2 * 8 * (Ps + proj) + Ps));
    // 2 sources × 2200 rows × 99 logits, and 8 members' targets (2200 × 99) with offsets (2200 × 2)
    expect(e.held.caches).toBe(4 * (2 * 2200 * 99 + 8 * (2200 * 99 + 2 * 2200)));
    expect(e.held.data).toBe(4 * 2200 * (5 * 22 + 22 + 3));
    expect(e.peak).toBe(e.held.parameters + e.held.optimizer + e.held.caches + e.held.data + e.transient.bytes);
  });

  it('grows about linearly with K, the activations dominating', () => {
    const one = estimateSweepMemory({ ...SWEEP, members: 1 }, SENTIMENT);
    const sixteen = estimateSweepMemory({ ...SWEEP, members: 16 }, SENTIMENT);
    expect(sixteen.activations / one.activations).toBeCloseTo(16, 5);
    expect(sixteen.transient.what).toBe('one step of 16 members');
    expect(sixteen.peak / one.peak).toBeGreaterThan(5); // the held caches and the teacher do not grow 16-fold
    expect(() => estimateSweepMemory({ ...SWEEP, members: 0 }, SENTIMENT)).toThrow(/members ≥ 1/);
  });

  it('refuses a sweep that does not fit, with the estimate and the limit; finds the largest K that fits', () => {
    const limits = memoryLimits('wasm', undefined, 0.25 * GiB);
    const K = maxSweepMembers(SWEEP, SENTIMENT, limits);
    expect(K).toBeGreaterThan(1);
    expect(estimateSweepMemory({ ...SWEEP, members: K }, SENTIMENT).peak).toBeLessThanOrEqual(0.25 * GiB);
    expect(estimateSweepMemory({ ...SWEEP, members: K + 1 }, SENTIMENT).peak).toBeGreaterThan(0.25 * GiB);
    expect(() => checkSweepMemory({ ...SWEEP, members: K }, SENTIMENT, limits)).not.toThrow();
    let error: unknown;
    try {
      checkSweepMemory({ ...SWEEP, members: K + 1 }, SENTIMENT, limits);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SweepMemoryError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^a sweep of ${K + 1} students needs about \\d+ MiB \\(parameters .*one step of ${K + 1} members: \\d+ MiB\\); the wasm backend can address 4 GiB, about 256 MiB of it for tensors`,
      ),
    );
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: the estimate is within 0.8–1.5× of a stacked step's measured peak buffers (grammar, K = ${backend === 'cpu' ? '4' : '2 and 4'})`, async () => {
      await tf.setBackend(backend);
      const task = buildTask('grammar', taskOptions({ labelled: 100, transfer: 300 }));
      const shape = taskShape(task);
      for (const K of backend === 'cpu' ? [4] : [2, 4]) {
        for (const intermediate of [false, true]) {
          const probe = new MemoryProbe();
          const teacher = GPT.init(modelConfigFor(resolveSize('teacher-s'), task), 1, false);
          const members = Array.from({ length: K }, (_, k) => ({ name: `m${k}`, seed: k }));
          const stack = new StackedDistillStep(teacher, task, resolveSize('student-s'), members, {
            seed: 1,
            labelled: 100,
          });
          await stack.cacheTeacher();
          const h = {
            temperature: 2,
            alpha: 0.5,
            beta: intermediate ? 1 : 0,
            gamma: intermediate ? 1 : 0,
            delta: intermediate ? 1 : 0,
          };
          for (let i = 0; i < 2; i++) {
            const v = stack.step(
              members.map(() => h),
              32,
              1e-3,
            );
            await v.data();
            v.dispose();
          }
          const measured = probe.peaks().buffers;
          probe.dispose();
          stack.dispose();
          teacher.dispose();
          const e = estimateSweepMemory(
            {
              teacher: 'teacher-s',
              student: 'student-s',
              batchSize: 32,
              members: K,
              sources: 1,
              intermediate,
              splitMatMuls: backend === 'wasm',
            },
            shape,
          );
          const ratio = e.peak / measured;
          console.log(
            `[sweep memory] ${backend} K=${K} intermediate=${intermediate}: estimate ${(e.peak / 1e6).toFixed(1)} MB, measured ${(measured / 1e6).toFixed(1)} MB (${ratio.toFixed(2)}×)`,
          );
          expect(ratio).toBeGreaterThan(0.8);
          expect(ratio).toBeLessThan(1.5);
        }
      }
    });
  }
});
