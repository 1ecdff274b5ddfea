// LayerNorm and exact GELU with hand-written gradients (tf.customGrad). Same values as the plain tfjs
// expressions; the point is the op count of the backward pass, which tfjs's autodiff builds op by
// op (every broadcast, mean and constant multiply gets its own gradient ops). On WebGPU a small
// model's step costs about one dispatch per op, so fewer backward ops is speed.
//
// Tensors the backward pass needs are handed to `save`: customGrad's forward runs in its own tidy,
// and `save` is what keeps them alive until the gradient is taken.

import * as tf from '@tensorflow/tfjs';

/**
 * Sum over every axis but the last: (…, C) → (C), as ones(1, N) @ (N, C): one op, where a reduce over
 * a leading axis is a transpose and a reduce on some backends. tf.ones is an upload, not a kernel.
 */
function columnSum(x: tf.Tensor): tf.Tensor1D {
  const C = x.shape[x.rank - 1];
  const x2 = x.reshape([-1, C]) as tf.Tensor2D;
  return tf.matMul(tf.ones([1, x2.shape[0]]) as tf.Tensor2D, x2).reshape([C]);
}

/**
 * LayerNorm over the last axis: (x − mean) / √(var + eps) · w (+ b).
 * x: (…, C); w, b: (C). Backward: 10 ops (11 with bias) instead of autodiff's ~25.
 */
export function layerNorm(x: tf.Tensor, w: tf.Tensor1D, b: tf.Tensor1D | null, eps: number): tf.Tensor {
  if (w.shape[0] !== x.shape[x.rank - 1])
    throw new Error(`layerNorm: weight has ${w.shape[0]} entries, input has ${x.shape[x.rank - 1]} channels`);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    // args: x, w, [b,] save
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [x, w] = args as tf.Tensor[];
    const bias = args.length === 4 ? (args[2] as tf.Tensor) : null;
    const mean = x.mean(-1, true); // (…, 1)
    const xc = x.sub(mean); // (…, C)
    const rstd = xc.square().mean(-1, true).add(eps).rsqrt(); // (…, 1)
    const xhat = xc.mul(rstd); // (…, C)
    const y = bias ? xhat.mul(w).add(bias) : xhat.mul(w);
    save([xhat, rstd, w]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xhat, rstd, w] = saved;
        const dxhat = dy.mul(w); // (…, C)
        // dx = rstd · (dxhat − mean(dxhat) − xhat · mean(dxhat · xhat))
        const dx = dxhat
          .sub(dxhat.mean(-1, true))
          .sub(xhat.mul(dxhat.mul(xhat).mean(-1, true)))
          .mul(rstd);
        const dw = columnSum(dy.mul(xhat)); // (C)
        return bias ? [dx, dw, columnSum(dy)] : [dx, dw];
      },
    };
  });
  return b ? op(x, w, b) : op(x, w);
}

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Exact (erf) GELU, as PyTorch's nn.GELU(): 0.5 · u · (1 + erf(u / √2)). Backward: 8 ops. */
export const gelu: (u: tf.Tensor) => tf.Tensor = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const u = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const onePlusErf = tf.erf(u.mul(INV_SQRT2)).add(1); // 1 + erf(u/√2)
  const half = u.mul(0.5);
  save([u, onePlusErf]);
  return {
    value: half.mul(onePlusErf),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [u, onePlusErf] = saved;
      // d/du = 0.5 · (1 + erf(u/√2)) + u · φ(u),  φ(u) = exp(−u²/2) / √(2π)
      const pdf = u.square().mul(-0.5).exp().mul(u.mul(INV_SQRT_2PI));
      return dy.mul(onePlusErf.mul(0.5).add(pdf));
    },
  };
});

/**
 * tfjs-backend-wasm 4.22 multiplies transposed operands 10–25× slower than it transposes them and
 * multiplies (measured: (704×128)ᵀ·(704×512) 86 ms with transposeA, 3.4 ms with a transpose first),
 * and tfjs's matMul gradient multiplies transposed operands. Other backends take the flags natively.
 */
function slowTransposedMatMul(): boolean {
  return tf.getBackend() === 'wasm';
}

/** Swaps the last two axes. */
function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = [...Array(x.rank).keys()];
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return x.transpose(perm);
}

/** op(a)·op(b), transposing explicitly where the backend is slow at transposed operands. Not differentiable. */
function product(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  if (slowTransposedMatMul()) return tf.matMul(transposeA ? swapLast(a) : a, transposeB ? swapLast(b) : b);
  return tf.matMul(a, b, transposeA, transposeB);
}

/**
 * tf.matMul, differentiable, for operands with the same batch dimensions. On most backends it is
 * tf.matMul itself; on wasm it has a hand-written gradient that transposes explicitly. `constant`
 * names an operand that needs no gradient (a one-hot, a selector), which is then not computed.
 */
export function matMul<T extends tf.Tensor>(
  a: T,
  b: tf.Tensor,
  transposeA = false,
  transposeB = false,
  constant?: 'a' | 'b',
): T {
  if (!slowTransposedMatMul()) return tf.matMul(a, b, transposeA, transposeB) as T;
  // C = op(A)·op(B):  dA = dy·op(B)ᵀ (then transposed back when A is transposed), dB likewise.
  const gradA = (dy: tf.Tensor, b: tf.Tensor) =>
    transposeA ? product(b, dy, transposeB, true) : product(dy, b, false, !transposeB);
  const gradB = (dy: tf.Tensor, a: tf.Tensor) =>
    transposeB ? product(dy, a, true, transposeA) : product(a, dy, !transposeA, false);
  const value = () => product(a, b, transposeA, transposeB);
  if (constant === 'a') {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      (args[1] as tf.GradSaveFunc)([a]);
      return { value: value(), gradFunc: (dy: tf.Tensor, [a]: tf.Tensor[]) => gradB(dy, a) };
    });
    return op(b) as T;
  }
  if (constant === 'b') {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      (args[1] as tf.GradSaveFunc)([b]);
      return { value: value(), gradFunc: (dy: tf.Tensor, [b]: tf.Tensor[]) => gradA(dy, b) };
    });
    return op(a) as T;
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, y] = args as tf.Tensor[];
    (args[2] as tf.GradSaveFunc)([x, y]);
    return {
      value: product(x, y, transposeA, transposeB),
      gradFunc: (dy: tf.Tensor, [x, y]: tf.Tensor[]) => [gradA(dy, y), gradB(dy, x)],
    };
  });
  return op(a, b) as T;
}
