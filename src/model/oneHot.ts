// A float32 one-hot that is correct on every tfjs backend.
//
// tfjs-backend-wasm 4.22's OneHot kernel ignores the requested dtype: `tf.oneHot(idx, V, 1, 0,
// 'float32')` writes int32 ones into a float32 buffer, so every 1 reads back as 1.4e-45 (the bit
// pattern 0x00000001). On wasm that made every model ignore its input tokens and every hard-label
// loss ~0, while cpu and WebGPU were right. The int32 one-hot (tfjs's default dtype) is right on
// every backend, and the cast is one cheap element-wise op. The cross-backend parity suite
// (tests/parity) pins this.

import * as tf from '@tensorflow/tfjs';

/** indices: (N) int32 → (N, depth) float32 with a 1 at each index. Out-of-range indices give a zero row. */
export function oneHotFloat(indices: tf.Tensor1D, depth: number): tf.Tensor2D {
  return tf.oneHot(indices, depth).cast('float32') as tf.Tensor2D;
}
