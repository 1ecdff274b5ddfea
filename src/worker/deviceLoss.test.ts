// A real WebGPU device loss, in Node (Dawn; SwiftShader where there is no GPU): the tfjs webgpu
// backend's device is destroyed mid-run, and the session's own detection (device.lost) and
// recovery (a fresh webgpu backend through the production chooseBackend) bring the run back from its
// last checkpoint to the end. Skipped, with the reason printed, where there is no adapter.

import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../config';
import { initNodeWebGPU, releaseNodeWebGPU } from '../cli/webgpu-node';
import { Recorder } from './eventRecorder';
import type { WorkerEvent } from './protocol';
import { Session } from './session';

const gpu = await initNodeWebGPU();
if (!gpu.ok) console.warn(`[deviceLoss] skipping: ${gpu.reason}`);
// The worker's backend module registers webgpu at import, so it is imported once navigator.gpu exists.
const { chooseBackend } = await import('./backend');

const CONFIG: RunConfig = {
  ...DEFAULT_CONFIG,
  task: 'modadd',
  teacher: 'tiny',
  student: 'tiny',
  teacherSteps: 2,
  steps: 8,
  warmupSteps: 1,
  evalEvery: 4,
  labelled: 16,
  transfer: 16,
  hyper: { ...DEFAULT_CONFIG.hyper, batchSize: 4 },
};

afterAll(async () => {
  if (gpu.ok) await releaseNodeWebGPU();
});

describe.skipIf(!gpu.ok)('device loss on the real webgpu backend', () => {
  it('destroying the device mid-run: the run continues on a new webgpu device from its last checkpoint', async () => {
    const rec = new Recorder();
    const session = new Session({
      post: rec.post,
      chooseBackend,
      loadAsset: async () => null,
      flushMs: 0,
      predictEveryMs: 1e9,
      checkpointEvery: 2,
    });
    await session.handle({ type: 'init', forcedBackend: 'webgpu', assetsBase: '/' });
    expect(rec.of('backend')[0].info.name).toBe('webgpu');
    await session.handle({ type: 'start', runId: 1, config: CONFIG, paused: false });
    await rec.waitFor((e) => e.type === 'checkpoint' && e.phase === 'distill' && e.step >= 2);
    const oldDevice = (tf.backend() as unknown as { device: GPUDevice }).device;
    oldDevice.destroy();

    const fault = (await rec.waitFor((e) => e.type === 'fault', 120_000)) as Extract<WorkerEvent, { type: 'fault' }>;
    expect(fault.fault).toMatchObject({ kind: 'deviceLost', from: 'webgpu', to: 'webgpu' });
    expect(fault.fault.message).toMatch(
      /^The webgpu device was lost \(.*\)\. The run continues on a new webgpu device/,
    );
    await rec.waitFor((e) => e.type === 'phase' && (e.phase === 'done' || e.phase === 'error'), 120_000);
    expect(rec.of('error')).toEqual([]);
    expect(rec.of('backend').map((e) => e.info.name)).toEqual(['webgpu', 'webgpu']);
    expect((tf.backend() as unknown as { device: GPUDevice }).device).not.toBe(oldDevice);
    const resumedFrom = (fault.fault as { resumedFrom: number }).resumedFrom;
    const after = rec.events.slice(rec.events.indexOf(fault)).flatMap((e) => (e.type === 'points' ? e.points : []));
    expect(after[0]).toMatchObject({ phase: 'distill', step: resumedFrom + 1 });
    expect(after.at(-1)).toMatchObject({ phase: 'distill', step: CONFIG.steps });
    await session.dispose();
  }, 240_000);
});
