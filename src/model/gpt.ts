// A GPT in tfjs core ops, written the way nanoGPT's model.py is: pre-LayerNorm blocks, causal
// self-attention with one fused QKV projection and all heads batched, exact-erf GELU MLP, learned
// position embeddings and an output head tied to the token embedding.
//
// Parameters live in one map under nanoGPT's state_dict names, so export is a rename-free walk.
// One difference in layout: a Linear weight is stored (in, out) here, because tfjs multiplies
// x @ W; PyTorch stores (out, in). Export/import transposes (see safetensors.ts).

import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import { deriveSeed, mulberry32, normal } from '../rng';
import { gelu, layerNorm, matMul } from './fusedOps';
import { oneHotFloat } from './oneHot';

const LN_EPS = 1e-5; // nanoGPT's F.layer_norm default

export interface ForwardOptions {
  /** Apply dropout (only when config.dropout > 0). */
  training?: boolean;
  /** Also return every layer's hidden state and attention map (for intermediate losses and the UI). */
  collect?: boolean;
  /**
   * (B, S, T) one-hot rows: compute the final LayerNorm and the output head only at these S positions
   * per sequence (e.g. the one scored position of a classification task), so logits are (B, S, V).
   * The selection is a batched matmul, so its gradient is a matmul too (no scatter).
   */
  select?: tf.Tensor3D;
}

export interface ForwardResult {
  /** (B, T, vocab) next-token logits; (B, S, vocab) with `select`. */
  logits: tf.Tensor3D;
  /** Per layer, the residual stream after the block: (B, T, C). Present when collect is set. */
  hidden?: tf.Tensor3D[];
  /** Per layer, softmax attention probabilities: (B, nh, T, T). Present when collect is set. */
  attention?: tf.Tensor4D[];
}

/** nanoGPT's names, in the order nanoGPT's state_dict lists them (lm_head is tied to wte). */
export function parameterNames(c: ModelConfig): string[] {
  const names = ['transformer.wte.weight', 'transformer.wpe.weight'];
  const withBias = (base: string) => (c.bias ? [`${base}.weight`, `${base}.bias`] : [`${base}.weight`]);
  for (let i = 0; i < c.nLayer; i++) {
    const h = `transformer.h.${i}`;
    names.push(
      ...withBias(`${h}.ln_1`),
      ...withBias(`${h}.attn.c_attn`),
      ...withBias(`${h}.attn.c_proj`),
      ...withBias(`${h}.ln_2`),
      ...withBias(`${h}.mlp.c_fc`),
      ...withBias(`${h}.mlp.c_proj`),
    );
  }
  names.push(...withBias('transformer.ln_f'));
  return names;
}

/** Shape of each parameter as stored here (Linear weights (in, out)). */
export function parameterShape(c: ModelConfig, name: string): number[] {
  const d = c.nEmbd;
  if (name === 'transformer.wte.weight') return [c.vocabSize, d];
  if (name === 'transformer.wpe.weight') return [c.blockSize, d];
  const isBias = name.endsWith('.bias');
  if (/ln_(1|2|f)\./.test(name)) return [d];
  const dims: Record<string, [number, number]> = {
    'attn.c_attn': [d, 3 * d],
    'attn.c_proj': [d, d],
    'mlp.c_fc': [d, 4 * d],
    'mlp.c_proj': [4 * d, d],
  };
  for (const [key, [inDim, outDim]] of Object.entries(dims)) {
    if (name.includes(key)) return isBias ? [outDim] : [inDim, outDim];
  }
  throw new Error(`unknown parameter ${name}`);
}

/** True for parameters stored (in, out) here and (out, in) in PyTorch. */
export function isLinearWeight(name: string): boolean {
  return /\.(c_attn|c_proj|c_fc)\.weight$/.test(name);
}

/** nanoGPT's init: N(0, 0.02), residual projections scaled by 1/sqrt(2·n_layer), LN to identity. */
function initialValue(c: ModelConfig, name: string, seed: number): Float32Array {
  const size = parameterShape(c, name).reduce((a, b) => a * b, 1);
  if (/ln_(1|2|f)\.weight$/.test(name)) return new Float32Array(size).fill(1);
  if (name.endsWith('.bias')) return new Float32Array(size);
  const std = name.endsWith('c_proj.weight') ? 0.02 / Math.sqrt(2 * c.nLayer) : 0.02;
  return normal(mulberry32(deriveSeed(seed, name)), size, std);
}

export class GPT {
  readonly config: ModelConfig;
  readonly params: Map<string, tf.Variable>;
  /** (T, T) additive causal mask, 0 on and below the diagonal, -1e9 above; built once per length. */
  private readonly masks = new Map<number, tf.Tensor2D>();

  constructor(config: ModelConfig, weights: Map<string, tf.Tensor>, trainable = true) {
    this.config = config;
    this.params = new Map();
    // Check everything before creating any variable, so a bad weight map leaks nothing.
    for (const name of parameterNames(config)) {
      const w = weights.get(name);
      const shape = parameterShape(config, name);
      if (!w) throw new Error(`missing parameter ${name}`);
      if (w.shape.join() !== shape.join()) {
        throw new Error(`parameter ${name} has shape [${w.shape}] but the config needs [${shape}]`);
      }
    }
    for (const name of parameterNames(config)) {
      // Unnamed variables: teacher and student share parameter names, and tfjs names are global.
      this.params.set(name, tf.variable(weights.get(name)!, trainable));
    }
  }

  /** A freshly initialised model; the same seed gives the same weights on every backend. */
  static init(config: ModelConfig, seed: number, trainable = true): GPT {
    const weights = new Map<string, tf.Tensor>();
    for (const name of parameterNames(config)) {
      weights.set(name, tf.tensor(initialValue(config, name, seed), parameterShape(config, name)));
    }
    const model = new GPT(config, weights, trainable);
    weights.forEach((w) => w.dispose());
    return model;
  }

  variables(): tf.Variable[] {
    return [...this.params.values()];
  }

  private p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v;
  }

  /** LayerNorm with a hand-written gradient (fusedOps.ts): same values, a third of the backward ops. */
  private layerNorm(x: tf.Tensor3D, base: string): tf.Tensor3D {
    const b = this.config.bias ? (this.p(`${base}.bias`) as tf.Tensor1D) : null;
    return layerNorm(x, this.p(`${base}.weight`) as tf.Tensor1D, b, LN_EPS) as tf.Tensor3D;
  }

  /** x: (N, in) → (N, out). */
  private linear(x: tf.Tensor2D, base: string): tf.Tensor2D {
    const y = matMul(x, this.p(`${base}.weight`));
    return this.config.bias ? (y.add(this.p(`${base}.bias`)) as tf.Tensor2D) : y;
  }

  private causalMask(T: number): tf.Tensor2D {
    let m = this.masks.get(T);
    if (!m) {
      const data = new Float32Array(T * T);
      for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) data[i * T + j] = -1e9;
      m = tf.keep(tf.tensor2d(data, [T, T]));
      this.masks.set(T, m);
    }
    return m;
  }

  private dropout<R extends tf.Rank>(x: tf.Tensor<R>, training: boolean): tf.Tensor<R> {
    return training && this.config.dropout > 0 ? (tf.dropout(x, this.config.dropout) as tf.Tensor<R>) : x;
  }

  private attention(x: tf.Tensor3D, h: string, training: boolean): { y: tf.Tensor3D; att: tf.Tensor4D } {
    const [B, T, C] = x.shape;
    const nh = this.config.nHead;
    const hs = C / nh;
    const qkv = this.linear(x.reshape([B * T, C]) as tf.Tensor2D, `${h}.attn.c_attn`); // (B*T, 3C)
    // qkv's columns are [q heads | k heads | v heads]: one 4-D transpose, then a split (a 5-D transpose
    // is 250× slower than a 4-D one on tfjs-backend-wasm)
    const heads = qkv.reshape([B, T, 3 * nh, hs]).transpose([0, 2, 1, 3]); // (B, 3·nh, T, hs)
    const [q, k, v] = tf.split(heads, 3, 1) as tf.Tensor4D[]; // each (B, nh, T, hs)
    const scores = matMul(q.mul(1 / Math.sqrt(hs)), k, false, true).add(this.causalMask(T)); // (B, nh, T, T)
    const att = tf.softmax(scores) as tf.Tensor4D; // (B, nh, T, T)
    const y = matMul(this.dropout(att, training), v); // (B, nh, T, hs)
    const merged = y.transpose([0, 2, 1, 3]).reshape([B * T, C]); // (B*T, C)
    const out = this.linear(merged as tf.Tensor2D, `${h}.attn.c_proj`).reshape([B, T, C]) as tf.Tensor3D;
    return { y: this.dropout(out, training), att };
  }

  private mlp(x: tf.Tensor3D, h: string, training: boolean): tf.Tensor3D {
    const [B, T, C] = x.shape;
    const u = this.linear(x.reshape([B * T, C]) as tf.Tensor2D, `${h}.mlp.c_fc`); // (B*T, 4C)
    const g = gelu(u) as tf.Tensor2D; // exact GELU, as nn.GELU(), with a hand-written gradient
    const out = this.linear(g, `${h}.mlp.c_proj`).reshape([B, T, C]) as tf.Tensor3D;
    return this.dropout(out, training);
  }

  /** idx: (B, T) int32 token ids, T ≤ blockSize. */
  forward(idx: tf.Tensor2D, opts: ForwardOptions = {}): ForwardResult {
    const training = opts.training ?? false;
    const [B, T] = idx.shape;
    const C = this.config.nEmbd;
    if (T > this.config.blockSize) {
      throw new Error(`sequence of length ${T} exceeds block size ${this.config.blockSize}`);
    }
    // Embedding lookup as one-hot × wte: its gradient is one matmul instead of tfjs's scatter
    // (UnsortedSegmentSum), which is slow on the CPU backend and non-deterministic on WebGPU.
    const oneHot = oneHotFloat(idx.reshape([B * T]) as tf.Tensor1D, this.config.vocabSize); // (B*T, V)
    const tok = matMul(oneHot, this.p('transformer.wte.weight'), false, false, 'a').reshape([B, T, C]); // (B, T, C)
    const wpe = this.p('transformer.wpe.weight');
    const pos = T === this.config.blockSize ? wpe : wpe.slice([0, 0], [T, C]); // (T, C)
    let x = this.dropout(tok.add(pos) as tf.Tensor3D, training);
    const hidden: tf.Tensor3D[] = [];
    const attention: tf.Tensor4D[] = [];
    for (let i = 0; i < this.config.nLayer; i++) {
      const h = `transformer.h.${i}`;
      const a = this.attention(this.layerNorm(x, `${h}.ln_1`), h, training);
      x = x.add(a.y);
      x = x.add(this.mlp(this.layerNorm(x, `${h}.ln_2`), h, training));
      if (opts.collect) {
        hidden.push(x);
        attention.push(a.att);
      }
    }
    // Only the selected positions, when asked: (B, S, T) @ (B, T, C) → (B, S, C)
    const xs: tf.Tensor3D = opts.select ? matMul(opts.select, x, false, false, 'a') : x;
    const S = xs.shape[1];
    const xf = this.layerNorm(xs, 'transformer.ln_f').reshape([B * S, C]); // (B*S, C)
    // Tied head: logits = x · wteᵀ
    const logits = matMul(xf, this.p('transformer.wte.weight'), false, true).reshape([B, S, -1]) as tf.Tensor3D;
    return opts.collect ? { logits, hidden, attention } : { logits };
  }

  dispose(): void {
    this.params.forEach((v) => v.dispose());
    this.params.clear();
    this.masks.forEach((m) => m.dispose());
    this.masks.clear();
  }
}
