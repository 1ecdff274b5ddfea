// Measures what a run really allocates, to check src/memory.ts's estimate against: the peak of
// tfjs's own counter (tf.memory().numBytes, which counts a reshape's view as bytes again) and the
// peak of the distinct buffers behind the tensors (what the backend holds), by wrapping the
// engine's trackTensor/removeDataId. Buffers count from when the probe starts: start it before the
// run allocates. Node only (the measuring CLI and tests); no effect on results.

import * as tf from '@tensorflow/tfjs';

interface EngineInternals {
  state: { numBytes: number; tensorInfo: WeakMap<object, { bytes: number; backend: unknown }> };
  trackTensor(a: tf.Tensor, backend: unknown): void;
  removeDataId(dataId: object, backend: unknown): void;
}

export interface MemoryPeaks {
  /** Peak of tf.memory().numBytes. */
  numBytes: number;
  /** Peak bytes of distinct data buffers. */
  buffers: number;
}

export class MemoryProbe {
  private readonly engine = tf.engine() as unknown as EngineInternals;
  private readonly original: Pick<EngineInternals, 'trackTensor' | 'removeDataId'>;
  private buffers = 0;
  /** Buffers made since the probe started (the engine's table cannot be listed: a WeakMap). */
  private readonly counted = new WeakSet<object>();
  private peak: MemoryPeaks = { numBytes: 0, buffers: 0 };

  constructor() {
    const e = this.engine;
    this.original = { trackTensor: e.trackTensor, removeDataId: e.removeDataId };
    e.trackTensor = (a, backend) => {
      const fresh = !e.state.tensorInfo.has(a.dataId as object);
      this.original.trackTensor.call(e, a, backend);
      if (fresh) {
        this.buffers += e.state.tensorInfo.get(a.dataId as object)?.bytes ?? 0;
        this.counted.add(a.dataId as object);
      }
      if (this.buffers > this.peak.buffers) this.peak.buffers = this.buffers;
      if (e.state.numBytes > this.peak.numBytes) this.peak.numBytes = e.state.numBytes;
    };
    e.removeDataId = (dataId, backend) => {
      const info = e.state.tensorInfo.get(dataId);
      if (info && info.backend === backend && this.counted.has(dataId)) {
        this.buffers -= info.bytes;
        this.counted.delete(dataId);
      }
      this.original.removeDataId.call(e, dataId, backend);
    };
    this.reset();
  }

  /** The peaks since the last reset (or since the probe started). */
  peaks(): MemoryPeaks {
    return { ...this.peak };
  }

  /** Starts a new peak from what is allocated now. */
  reset(): MemoryPeaks {
    const was = this.peaks();
    this.peak = { numBytes: this.engine.state.numBytes, buffers: this.buffers };
    return was;
  }

  /** Restores the engine. */
  dispose(): void {
    this.engine.trackTensor = this.original.trackTensor;
    this.engine.removeDataId = this.original.removeDataId;
  }
}

/** The wasm backend's heap size in bytes (it only grows: the high-water mark), or null on another backend. */
export function wasmHeapBytes(): number | null {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.byteLength ?? null;
}
