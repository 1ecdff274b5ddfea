// The estimate against what a real run allocates. The factors were measured on wasm (within
// 0.99–1.09 of the buffers there: `npx tsx src/cli/memory.ts`, see the README); the cpu backend's
// kernels keep a little less alive in a training step, so here it reads 1.0–1.2.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, taskOptions, type RunConfig } from '../config';
import { buildTask } from '../data';
import { estimateMemory, taskShape } from '../memory';
import { DistillationRun, fixedControl } from '../train/run';
import { MemoryProbe } from './memoryProbe';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('memory estimate vs a real run', () => {
  it('is within 0.95–1.3 of the peak buffers, phase by phase, and below tf.memory().numBytes (which counts views)', async () => {
    const config: RunConfig = {
      ...DEFAULT_CONFIG,
      task: 'grammar',
      teacher: '2x2x32',
      student: '1x1x32',
      teacherSteps: 1,
      steps: 1,
      evalEvery: 1000,
      labelled: 64,
      transfer: 192,
      hyper: { ...DEFAULT_CONFIG.hyper, batchSize: 256 },
    };
    const probe = new MemoryProbe();
    const task = buildTask(config.task, taskOptions(config));
    const estimate = estimateMemory(config, taskShape(task));
    const peaks: Record<string, { numBytes: number; buffers: number }> = {};
    let phase = 'setup';
    const enter = (next: string) => {
      peaks[phase] = probe.reset();
      phase = next;
    };
    const run = new DistillationRun(
      task,
      config,
      fixedControl(config.hyper),
      { onPhase: (p) => (p === 'done' ? undefined : enter(p)) },
      undefined,
      0,
    );
    try {
      await run.trainTeacher();
      await run.distill();
      enter('test');
      await run.evaluateStudents('test');
      enter('end');
    } finally {
      run.dispose();
      probe.dispose();
    }
    // The teacher cache now fills during distillation, as batches need rows (no caching phase).
    expect(peaks.caching).toBeUndefined();
    for (const p of ['teacher', 'distill', 'test'] as const) {
      const ratio = estimate.phases[p]! / peaks[p].buffers;
      expect(ratio, `${p}: estimate ${estimate.phases[p]} / measured ${peaks[p].buffers}`).toBeGreaterThan(0.95);
      expect(ratio, p).toBeLessThan(1.3);
      expect(estimate.phases[p]!, p).toBeLessThan(peaks[p].numBytes * 1.05);
    }
  }, 60_000);
});
