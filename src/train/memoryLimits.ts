// The memory limits of the tfjs backend in use (see memoryLimits in src/memory.ts): its name, and
// on WebGPU the device's own buffer limits (tfjs requests the adapter's maxBufferSize and
// maxStorageBufferBindingSize when it creates the device).

import * as tf from '@tensorflow/tfjs';
import { memoryLimits, type MemoryLimits } from '../memory';

interface GpuLimits {
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
}

/** Limits of the current backend; `totalBytes` overrides the backend's default budget. */
export function currentMemoryLimits(totalBytes?: number): MemoryLimits {
  const device = (tf.backend() as unknown as { device?: { limits?: GpuLimits } }).device;
  const limits = device?.limits;
  const gpu = limits
    ? { maxBufferSize: limits.maxBufferSize, maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize }
    : undefined;
  return memoryLimits(tf.getBackend(), gpu, totalBytes);
}
