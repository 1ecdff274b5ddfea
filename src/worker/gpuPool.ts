// tfjs-backend-webgpu keeps every GPU buffer a disposed tensor used in a pool keyed by size and
// usage, for the next tensor of that size, and never frees the pool. A run of other model or batch
// sizes uses other sizes, so across resets and size changes the pool only grows: measured with
// `npm run bench:cycles -- --backend webgpu`, 3.8 MB allocated after one tiny run, 15.5 MB after the
// next size. Between runs nothing in the pool is in use, so the session empties it.
//
// This reaches into the backend's BufferManager (fields of tfjs-backend-webgpu 4.22, pinned in
// package.json): the map of free buffers, and the byte and buffer counts that tf.memory() reports.
// The map's keys are kept: releaseBuffer() stops pooling altogether once the map is empty.

import * as tf from '@tensorflow/tfjs';

interface PooledBuffer {
  size: number;
  destroy(): void;
}

interface BufferPool {
  freeBuffers: Map<string, PooledBuffer[]>;
  numFreeBuffers: number;
  numBytesAllocated: number;
}

function bufferPool(): BufferPool | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const manager = (tf.backend() as unknown as { bufferManager?: Partial<BufferPool> }).bufferManager;
  if (!(manager?.freeBuffers instanceof Map) || typeof manager.numBytesAllocated !== 'number') return null;
  return manager as BufferPool;
}

/** Destroys the pooled (unused) GPU buffers of the webgpu backend; returns the bytes freed (0 elsewhere). */
export function releaseGpuBufferPool(): number {
  const pool = bufferPool();
  if (!pool) return 0;
  let freed = 0;
  for (const buffers of pool.freeBuffers.values()) {
    for (const b of buffers) {
      freed += b.size;
      b.destroy();
    }
    buffers.length = 0;
  }
  pool.numBytesAllocated -= freed;
  pool.numFreeBuffers = 0;
  return freed;
}
