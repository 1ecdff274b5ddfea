// The straightforward version of src/model/gpt.ts, for the benchmark only: the same function with the
// same parameters (names, shapes, layout), written the way a first tfjs port of nanoGPT usually is.
// Every difference from the product model is a speed choice, not a change of what is computed:
//
//   product (gpt.ts)                          here
//   one-hot × wte embedding (grad: matmul)    tf.gather(wte, idx) (grad: UnsortedSegmentSum scatter)
//   one fused QKV matmul                      separate q, k, v projections (column slices of c_attn)
//   all heads in one batched matmul           a loop over heads, each sliced out and attended alone,
//                                             then concatenated
//   causal mask built once per length         built in every forward (bandPart of ones)
//   tf.moments LayerNorm                      mean, centre, square, mean, sqrt, divide
//
// It shares nothing with the product model at run time: `NaiveGPT.fromGPT` copies the weights.
// On a backend without the scatter kernel (tfjs-backend-wasm has no UnsortedSegmentSum, so a
// gathered embedding cannot train there) the embedding falls back to the product's one-hot matmul.

import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import { GPT, parameterNames, type ForwardOptions, type ForwardResult } from '../model/gpt';
import { oneHotFloat } from '../model/oneHot';

const LN_EPS = 1e-5;

/** True where the active backend can train a gathered embedding (its gradient is a scatter). */
export function canGatherEmbedding(): boolean {
  return tf.getKernel('UnsortedSegmentSum', tf.getBackend()) !== undefined;
}

export class NaiveGPT {
  readonly params = new Map<string, tf.Variable>();
  /** How token embeddings are looked up: tf.gather, or one-hot × wte where gather cannot train. */
  readonly embedding: 'gather' | 'one-hot' = canGatherEmbedding() ? 'gather' : 'one-hot';

  constructor(
    readonly config: ModelConfig,
    weights: Map<string, tf.Tensor>,
    trainable = true,
  ) {
    for (const name of parameterNames(config)) {
      const w = weights.get(name);
      if (!w) throw new Error(`missing parameter ${name}`);
      this.params.set(name, tf.variable(w.clone(), trainable));
    }
  }

  /** A copy of a product model's weights (same function, independent variables). */
  static fromGPT(model: GPT, trainable = true): NaiveGPT {
    return new NaiveGPT(model.config, model.params, trainable);
  }

  variables(): tf.Variable[] {
    return [...this.params.values()];
  }

  private p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v;
  }

  private layerNorm(x: tf.Tensor3D, base: string): tf.Tensor3D {
    const mean = x.mean(-1, true); // (B, T, 1)
    const centred = x.sub(mean); // (B, T, C)
    const variance = centred.square().mean(-1, true); // (B, T, 1)
    let y = centred.div(variance.add(LN_EPS).sqrt()).mul(this.p(`${base}.weight`));
    if (this.config.bias) y = y.add(this.p(`${base}.bias`));
    return y as tf.Tensor3D;
  }

  /** x: (N, in) @ W[:, from : from + width] (+ bias slice) → (N, width). */
  private linear(x: tf.Tensor2D, base: string, from = 0, width?: number): tf.Tensor2D {
    const w = this.p(`${base}.weight`) as tf.Tensor2D;
    const n = width ?? w.shape[1];
    const wSlice = from === 0 && n === w.shape[1] ? w : w.slice([0, from], [w.shape[0], n]);
    let y: tf.Tensor2D = tf.matMul(x, wSlice);
    if (this.config.bias) {
      const b = this.p(`${base}.bias`);
      y = y.add(from === 0 && n === b.shape[0] ? b : b.slice([from], [n]));
    }
    return y;
  }

  private attention(x: tf.Tensor3D, h: string, collect: boolean): { y: tf.Tensor3D; att?: tf.Tensor4D } {
    const [B, T, C] = x.shape;
    const nh = this.config.nHead;
    const hs = C / nh;
    const x2 = x.reshape([B * T, C]) as tf.Tensor2D;
    const q = this.linear(x2, `${h}.attn.c_attn`, 0, C).reshape([B, T, C]); // (B, T, C)
    const k = this.linear(x2, `${h}.attn.c_attn`, C, C).reshape([B, T, C]);
    const v = this.linear(x2, `${h}.attn.c_attn`, 2 * C, C).reshape([B, T, C]);
    // Causal mask, rebuilt every time: 1 on and below the diagonal.
    const lower = tf.linalg.bandPart(tf.ones([T, T]), -1, 0); // (T, T)
    const maskAdd = tf.scalar(1).sub(lower).mul(-1e9); // (T, T)
    const outs: tf.Tensor3D[] = [];
    const atts: tf.Tensor3D[] = [];
    for (let i = 0; i < nh; i++) {
      const qi = q.slice([0, 0, i * hs], [B, T, hs]) as tf.Tensor3D; // (B, T, hs)
      const ki = k.slice([0, 0, i * hs], [B, T, hs]) as tf.Tensor3D;
      const vi = v.slice([0, 0, i * hs], [B, T, hs]) as tf.Tensor3D;
      const scores = tf.matMul(qi, ki, false, true).div(Math.sqrt(hs)).add(maskAdd); // (B, T, T)
      const att = tf.softmax(scores) as tf.Tensor3D;
      atts.push(att);
      outs.push(tf.matMul(att, vi)); // (B, T, hs)
    }
    const merged = tf.concat(outs, -1).reshape([B * T, C]) as tf.Tensor2D; // (B*T, C)
    const y = this.linear(merged, `${h}.attn.c_proj`).reshape([B, T, C]) as tf.Tensor3D;
    return { y, att: collect ? (tf.stack(atts, 1) as tf.Tensor4D) : undefined }; // att: (B, nh, T, T)
  }

  private mlp(x: tf.Tensor3D, h: string): tf.Tensor3D {
    const [B, T, C] = x.shape;
    const u = this.linear(x.reshape([B * T, C]) as tf.Tensor2D, `${h}.mlp.c_fc`); // (B*T, 4C)
    const g = u.mul(0.5).mul(tf.erf(u.div(Math.SQRT2)).add(1)) as tf.Tensor2D; // exact GELU
    return this.linear(g, `${h}.mlp.c_proj`).reshape([B, T, C]) as tf.Tensor3D;
  }

  /** idx: (B, T) int32. Dropout is not modelled (the benchmark runs with dropout 0, as the product does). */
  forward(idx: tf.Tensor2D, opts: ForwardOptions = {}): ForwardResult {
    const [B, T] = idx.shape;
    const C = this.config.nEmbd;
    const wte = this.p('transformer.wte.weight');
    const tok =
      this.embedding === 'gather'
        ? tf.gather(wte, idx) // (B, T, C)
        : tf.matMul(oneHotFloat(idx.reshape([B * T]) as tf.Tensor1D, this.config.vocabSize), wte).reshape([B, T, C]);
    const pos = this.p('transformer.wpe.weight').slice([0, 0], [T, C]); // (T, C)
    let x = tok.add(pos) as tf.Tensor3D;
    const hidden: tf.Tensor3D[] = [];
    const attention: tf.Tensor4D[] = [];
    for (let i = 0; i < this.config.nLayer; i++) {
      const h = `transformer.h.${i}`;
      const a = this.attention(this.layerNorm(x, `${h}.ln_1`), h, opts.collect ?? false);
      x = x.add(a.y);
      x = x.add(this.mlp(this.layerNorm(x, `${h}.ln_2`), h));
      if (opts.collect) {
        hidden.push(x);
        attention.push(a.att!);
      }
    }
    const xf = this.layerNorm(x, 'transformer.ln_f').reshape([B * T, C]) as tf.Tensor2D; // (B*T, C)
    const logits = tf.matMul(xf, this.p('transformer.wte.weight'), false, true).reshape([B, T, -1]) as tf.Tensor3D;
    return opts.collect ? { logits, hidden, attention } : { logits };
  }

  dispose(): void {
    this.params.forEach((v) => v.dispose());
    this.params.clear();
  }
}
