// The session frees tfjs-backend-webgpu's pool of unused GPU buffers between runs (src/worker/gpuPool.ts):
// on the real webgpu backend (Dawn on SwiftShader in Node, as tests/parity.test.ts), disposed tensors
// leave their buffers allocated in the pool until released; after the release allocated = in use.

import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initNodeWebGPU, releaseNodeWebGPU } from '../src/cli/webgpu-node';
import { releaseGpuBufferPool } from '../src/worker/gpuPool';

const gpu = await initNodeWebGPU();
if (!gpu.ok && process.env.CI) throw new Error(`[gpuPool] CI must run the webgpu check, but: ${gpu.reason}`);

afterAll(() => releaseNodeWebGPU());

type GpuMemory = tf.MemoryInfo & { numBytesInGPU: number; numBytesAllocatedInGPU: number };

describe.skipIf(!gpu.ok)('the webgpu buffer pool between runs', () => {
  it('pooled buffers of disposed tensors are destroyed, and the backend keeps working', async () => {
    await tf.setBackend('webgpu');
    const base = tf.memory() as GpuMemory;
    // Tensors of several sizes, used by a kernel so they get GPU buffers, then disposed.
    for (const n of [1000, 5000, 20000]) {
      const t = tf.tidy(() => tf.ones([n]).mul(2));
      await t.data();
      t.dispose();
    }
    const pooled = tf.memory() as GpuMemory;
    expect(pooled.numBytesInGPU).toBe(base.numBytesInGPU);
    expect(pooled.numBytesAllocatedInGPU).toBeGreaterThan(base.numBytesAllocatedInGPU + 100_000);
    const freed = releaseGpuBufferPool();
    const after = tf.memory() as GpuMemory;
    expect(freed).toBe(pooled.numBytesAllocatedInGPU - after.numBytesAllocatedInGPU);
    expect(after.numBytesAllocatedInGPU).toBe(after.numBytesInGPU);
    // Pooling still works afterwards, and results are right.
    const t = tf.tidy(() => tf.ones([1000]).mul(3));
    expect(Array.from(await t.data()).slice(0, 3)).toEqual([3, 3, 3]);
    t.dispose();
    expect((tf.memory() as GpuMemory).numBytesAllocatedInGPU).toBeGreaterThan(after.numBytesAllocatedInGPU);
  });

  it('does nothing on other backends', async () => {
    await tf.setBackend('cpu');
    expect(releaseGpuBufferPool()).toBe(0);
  });
});
