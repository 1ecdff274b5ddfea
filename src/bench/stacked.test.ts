// The stacked benchmark runs, and its kernel counts say what the stack is for: with batched member
// matmuls (cpu, webgpu) a step of K students issues about the kernels of one, whatever K; and it
// leaves no tensor behind. Counts, never times.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import { benchMembers, defaultStackedBenchConfig, runStackedBench, stackedReport } from './stacked';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('stacked benchmark', () => {
  it('members: a baseline first, the three controls from K = 4 on, distinct (T, α) students after', () => {
    const { specs, hypers } = benchMembers(8, { ...DEFAULT_CONFIG.hyper }, false);
    expect(specs.map((s) => s.target ?? 'teacher')).toEqual([
      'teacher',
      'random-teacher',
      'permuted',
      'uniform',
      'teacher',
      'teacher',
      'teacher',
      'teacher',
    ]);
    expect(hypers[0].alpha).toBe(0);
    expect(hypers[3]).toMatchObject({ temperature: 1, alpha: 0.1 });
    const students = hypers.slice(4).map((h) => `${h.temperature}/${h.alpha}`);
    expect(new Set(students).size).toBe(students.length);
  });

  it('on cpu, a stack of 4 issues at most 1.1× the kernels of a stack of 1, and nothing leaks', async () => {
    const before = tf.memory().numTensors;
    const r = await runStackedBench({
      ...defaultStackedBenchConfig(),
      task: 'modadd',
      teacher: 'tiny',
      student: 'tiny',
      batchSize: 4,
      ks: [1, 4],
      rounds: 1,
      block: 1,
      warmup: 1,
    });
    expect(tf.memory().numTensors).toBe(before);
    const stack4 = r.ratios.find((q) => q.name === 'stack 4')!;
    expect(stack4.kernelsVsStack1).toBeGreaterThanOrEqual(1);
    expect(stack4.kernelsVsStack1).toBeLessThanOrEqual(1.1);
    expect(r.subjects.map((s) => s.name)).toEqual(['single', 'lockstep', 'stack 1', 'stack 4']);
    expect(stackedReport(r, 'cpu')).toMatch(/stack 4 +4 /);
  });
});
