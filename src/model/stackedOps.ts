// Ops for K models of one architecture held as stacked parameters ([K, ...] per parameter) and run
// as one set of kernels: a batched matmul over the leading K axis, and LayerNorm with per-member
// gains. Same values as fusedOps.ts per member; the point is that the kernel count of a step does
// not grow with K (see src/model/stackedGpt.ts).
//
// One backend exception, measured on tfjs-backend-wasm 4.22: its BatchMatMul runs XNNPACK only
// when both operands have batch size 1 and neither is transposed; any other shape takes a plain
// loop that is ~8× slower per FLOP ((8, 704, 32) @ (8, 32, 96): 32 ms batched, 4 ms as 8 separate
// 2-D products). So on wasm a stacked matmul of K > 1 members is, by default, K 2-D products of
// members cut out with K GatherNd (see members()) and one Pack: 3K + 1 kernels instead of 1, at
// XNNPACK's speed. Every other
// backend (cpu, webgpu, webgl) multiplies batched operands natively: one kernel.

import * as tf from '@tensorflow/tfjs';

/** How a stacked matmul runs: one batched kernel, or one 2-D product per member. */
export type StackedMatMulMode = 'batched' | 'split';

let modeOverride: StackedMatMulMode | null = null;
/** Floats up to which members() unstacks (a (K, C, 4C) weight of a 128-wide student: 65,536 floats at K = 1). */
const SMALL_UNSTACK = 65536;
let smallUnstack = SMALL_UNSTACK;

/**
 * Forces a mode for every stacked matmul (null: the backend's default). For benchmarks and tests;
 * `unstackUpTo` sets the size below which split mode cuts members with one Unpack (default 65,536).
 */
export function setStackedMatMulMode(mode: StackedMatMulMode | null, unstackUpTo = SMALL_UNSTACK): void {
  modeOverride = mode;
  smallUnstack = unstackUpTo;
}

/** The mode in force on the current backend: 'split' on wasm, 'batched' elsewhere, unless forced. */
export function stackedMatMulMode(): StackedMatMulMode {
  return modeOverride ?? (tf.getBackend() === 'wasm' ? 'split' : 'batched');
}

const slowTransposed = () => tf.getBackend() === 'wasm';

/** (K, M, N) → (K, N, M). */
function swap3(x: tf.Tensor3D): tf.Tensor3D {
  return x.transpose([0, 2, 1]);
}

/**
 * op(a)·op(b) for (K, ·, ·) operands, not differentiable. 'split': K 2-D products (transposes done
 * once on the whole stack, before the Unpack, since wasm multiplies transposed operands slowly).
 */
function product(
  a: tf.Tensor3D,
  b: tf.Tensor3D,
  transposeA: boolean,
  transposeB: boolean,
  mode: StackedMatMulMode,
): tf.Tensor3D {
  if (mode === 'batched') {
    if (slowTransposed()) return tf.matMul(transposeA ? swap3(a) : a, transposeB ? swap3(b) : b);
    return tf.matMul(a, b, transposeA, transposeB);
  }
  const as = members(transposeA ? swap3(a) : a);
  const bs = members(transposeB ? swap3(b) : b);
  return tf.stack(as.map((x, k) => tf.matMul(x, bs[k]))) as tf.Tensor3D;
}

/**
 * (K, M, N) → K tensors (M, N), one GatherNd each. Not tf.unstack: on tfjs-backend-wasm 4.22 every
 * Slice (so Unpack and SplitV, built on it) first copies the WHOLE input out of the heap
 * (backend.readSync), so unstacking K members copies K times the stack, plus as much JavaScript
 * garbage: measured on (8, 704, 128), 10.9 ms for tf.unstack, 0.76 ms for 8 GatherNd (C++).
 */
function members(x: tf.Tensor3D): tf.Tensor2D[] {
  const [K, M, N] = x.shape;
  // Small stacks (the weights): one Unpack, whose K whole copies cost less than K kernels.
  if (x.size <= smallUnstack) return tf.unstack(x) as tf.Tensor2D[];
  const flat = x.reshape([K, M * N]);
  return Array.from(
    { length: K },
    (_, k) => tf.gatherND(flat, tf.tensor2d([[k]], [1, 1], 'int32')).reshape([M, N]) as tf.Tensor2D,
  );
}

/**
 * Batched matmul over the leading member axis, differentiable: a (K, M, I), b (K, I, O) (before the
 * transposes) → (K, M, O); member k's product uses only a[k] and b[k]. `constant` names an operand
 * that needs no gradient. With K = 1, or a backend that multiplies batched operands natively, one
 * kernel (tfjs's own gradient off wasm); see the header for wasm.
 */
export function stackedMatMul(
  a: tf.Tensor3D,
  b: tf.Tensor3D,
  transposeA = false,
  transposeB = false,
  constant?: 'a' | 'b',
): tf.Tensor3D {
  if (a.shape[0] !== b.shape[0]) throw new Error(`stackedMatMul: ${a.shape[0]} members in a, ${b.shape[0]} in b`);
  const K = a.shape[0];
  const mode: StackedMatMulMode = K === 1 ? 'batched' : stackedMatMulMode();
  if (mode === 'batched' && !slowTransposed()) return tf.matMul(a, b, transposeA, transposeB);
  // C = op(A)·op(B):  dA = dy·op(B)ᵀ (transposed back when A is transposed), dB likewise.
  const gradA = (dy: tf.Tensor3D, b: tf.Tensor3D) =>
    transposeA ? product(b, dy, transposeB, true, mode) : product(dy, b, false, !transposeB, mode);
  const gradB = (dy: tf.Tensor3D, a: tf.Tensor3D) =>
    transposeB ? product(dy, a, true, transposeA, mode) : product(a, dy, !transposeA, false, mode);
  if (constant === 'a') {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const y = args[0] as tf.Tensor3D;
      (args[1] as tf.GradSaveFunc)([a]);
      return {
        value: product(a, y, transposeA, transposeB, mode),
        gradFunc: (dy: tf.Tensor, [a]: tf.Tensor[]) => gradB(dy as tf.Tensor3D, a as tf.Tensor3D),
      };
    });
    return op(b) as tf.Tensor3D;
  }
  if (constant === 'b') {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const x = args[0] as tf.Tensor3D;
      (args[1] as tf.GradSaveFunc)([b]);
      return {
        value: product(x, b, transposeA, transposeB, mode),
        gradFunc: (dy: tf.Tensor, [b]: tf.Tensor[]) => gradA(dy as tf.Tensor3D, b as tf.Tensor3D),
      };
    });
    return op(a) as tf.Tensor3D;
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, y] = args as tf.Tensor3D[];
    (args[2] as tf.GradSaveFunc)([x, y]);
    return {
      value: product(x, y, transposeA, transposeB, mode),
      gradFunc: (dy: tf.Tensor, [x, y]: tf.Tensor[]) => [
        gradA(dy as tf.Tensor3D, y as tf.Tensor3D),
        gradB(dy as tf.Tensor3D, x as tf.Tensor3D),
      ],
    };
  });
  return op(a, b) as tf.Tensor3D;
}

/**
 * Per member, the sum over rows: (K, N, C) → (K, C), as ones (K, 1, N) @ (K, N, C) (one kernel);
 * where member matmuls are split (wasm), a Sum over the row axis instead, whose kernel count does
 * not grow with K.
 */
function memberColumnSum(x: tf.Tensor3D): tf.Tensor2D {
  const [K, N, C] = x.shape;
  if (K > 1 && stackedMatMulMode() === 'split') return x.sum(1) as tf.Tensor2D;
  return product(tf.ones([K, 1, N]) as tf.Tensor3D, x, false, false, 'batched').reshape([K, C]);
}

/**
 * LayerNorm over the last axis with per-member gains: x (K, N, C), w and b (K, C). The same
 * arithmetic as fusedOps.layerNorm for each member, with the same hand-written backward.
 */
export function stackedLayerNorm(x: tf.Tensor3D, w: tf.Tensor2D, b: tf.Tensor2D | null, eps: number): tf.Tensor3D {
  const [K, , C] = x.shape;
  if (w.shape[0] !== K || w.shape[1] !== C)
    throw new Error(`stackedLayerNorm: weight [${w.shape}] for input [${x.shape}]`);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const x = args[0] as tf.Tensor3D;
    const w3 = (args[1] as tf.Tensor2D).reshape([K, 1, C]); // (K, 1, C)
    const bias = args.length === 4 ? (args[2] as tf.Tensor2D).reshape([K, 1, C]) : null;
    const mean = x.mean(-1, true); // (K, N, 1)
    const xc = x.sub(mean); // (K, N, C)
    const rstd = xc.square().mean(-1, true).add(eps).rsqrt(); // (K, N, 1)
    const xhat = xc.mul(rstd); // (K, N, C)
    const y = bias ? xhat.mul(w3).add(bias) : xhat.mul(w3);
    save([xhat, rstd, w3]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xhat, rstd, w3] = saved;
        const dxhat = dy.mul(w3); // (K, N, C)
        const dx = dxhat
          .sub(dxhat.mean(-1, true))
          .sub(xhat.mul(dxhat.mul(xhat).mean(-1, true)))
          .mul(rstd);
        const dw = memberColumnSum(dy.mul(xhat) as tf.Tensor3D); // (K, C)
        return bias ? [dx, dw, memberColumnSum(dy as tf.Tensor3D)] : [dx, dw];
      },
    };
  });
  return (b ? op(x, w, b) : op(x, w)) as tf.Tensor3D;
}
