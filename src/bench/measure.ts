// The benchmark's measuring helpers, on whatever tfjs backend is active: n steps with the product's
// readback, kernels per step (tf.profile), real GPU dispatches (webgpu), live tensors, medians.
// What is measured is the table of src/bench/subjects.ts; src/bench/harness.ts orchestrates.

import * as tf from '@tensorflow/tfjs';

const FLUSH_MS = 100;

/** Reads pending step losses back in one transfer, as DistillationRun.flush does. */
async function flush(pending: tf.Tensor[]): Promise<void> {
  if (!pending.length) return;
  const all = tf.tidy(() => tf.concat(pending.map((t) => t.reshape([-1]))));
  await all.data();
  all.dispose();
  tf.dispose(pending);
  pending.length = 0;
}

/** n product steps with the product's readback: pending losses flushed every ~100 ms and at the end. */
export async function runOptimised(n: number, step: () => tf.Tensor): Promise<void> {
  const pending: tf.Tensor[] = [];
  let last = performance.now();
  for (let i = 0; i < n; i++) {
    pending.push(step());
    if (performance.now() - last >= FLUSH_MS || pending.length >= 256) {
      await flush(pending);
      last = performance.now();
    }
  }
  await flush(pending);
}

export interface KernelCount {
  /** tf.profile's info.kernels.length: every kernel tfjs ran, bookkeeping ones included. */
  all: number;
  /**
   * Kernels that compute: without Reshape and Identity (metadata only on every backend: Identity is
   * how tfjs saves tensors for the backward pass), same-dtype Cast (an Identity), and the entries
   * tf.customGrad adds under its scope's name (they wrap kernels counted on their own).
   */
  compute: number;
  /** Kernel name → count, for the report. */
  byName: Record<string, number>;
}

const NO_OP_KERNELS = new Set(['Reshape', 'Identity']);

export async function profileKernels(f: () => Promise<unknown> | tf.Tensor): Promise<KernelCount> {
  const info = await tf.profile(async () => {
    const out = await f();
    if (out instanceof tf.Tensor) {
      await out.data();
      out.dispose();
    }
  });
  const backend = tf.getBackend();
  const byName: Record<string, number> = {};
  let compute = 0;
  for (const k of info.kernels) {
    byName[k.name] = (byName[k.name] ?? 0) + 1;
    const registered = tf.getKernel(k.name, backend) !== undefined;
    const noOp = NO_OP_KERNELS.has(k.name) || (k.name === 'Cast' && k.bytesAdded === 0);
    if (registered && !noOp) compute++;
  }
  return { all: info.kernels.length, compute, byName };
}

/** Counts real GPU compute dispatches while f runs (webgpu in Node, where the GPU* classes are global). */
export async function countDispatches(f: () => Promise<unknown>): Promise<number | undefined> {
  const encoder = (
    globalThis as { GPUComputePassEncoder?: { prototype: { dispatchWorkgroups: (...a: unknown[]) => void } } }
  ).GPUComputePassEncoder;
  if (tf.getBackend() !== 'webgpu' || !encoder) return undefined;
  const original = encoder.prototype.dispatchWorkgroups;
  let count = 0;
  encoder.prototype.dispatchWorkgroups = function (this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  try {
    await f();
  } finally {
    encoder.prototype.dispatchWorkgroups = original;
  }
  return count;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface MemorySample {
  tensors: number;
  bytes: number;
}

export function memory(): MemorySample {
  const m = tf.memory();
  return { tensors: m.numTensors, bytes: m.numBytes };
}
