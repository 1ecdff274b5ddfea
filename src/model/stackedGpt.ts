// K GPTs of one architecture as one model: every nanoGPT parameter is held stacked, [K, ...shape]
// (member k's `transformer.h.0.attn.c_attn.weight` is params.get(name)[k], laid out as in gpt.ts),
// and all K members run on the same batch in one set of kernels. Member k computes exactly what
// GPT.forward computes with member k's weights: the same ops per member, with the member axis
// folded into the batch axis of every matmul ((K, B·T, C) @ (K, C, 3C)) and of attention
// ((K·B, nh, T, hs)). So the number of kernels per step does not grow with K (on wasm the member
// matmuls are K 2-D products by default; see stackedOps.ts), while the arithmetic grows K-fold.
//
// Members never interact: a loss that is a sum of per-member terms gives each member its own
// gradient. Used by the model-batched trainer (src/train/stackedStep.ts) to train a baseline, the
// distilled student and control students in one lockstep.
//
// Activations are (K, N, C) with N = B·T rows per member; attention maps are (K·B, nh, T, T) (rows
// k·B … k·B + B − 1 are member k), never 5-D: a 5-D transpose is 250× slower than a 4-D one on wasm.

import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import { gelu, matMul } from './fusedOps';
import { GPT, parameterNames, parameterShape } from './gpt';
import { oneHotFloat } from './oneHot';
import { stackedLayerNorm, stackedMatMul } from './stackedOps';

const LN_EPS = 1e-5; // as gpt.ts

export interface StackedForwardOptions {
  /** Also return every layer's hidden state and attention map. */
  collect?: boolean;
  /** (B, S, T) one-hot rows: the head runs at these S positions per sequence only (as GPT.forward). */
  select?: tf.Tensor3D;
}

export interface StackedForwardResult {
  /** (K, B·S, V) logits per member (S = T without `select`), rows in (b, s) order. */
  logits: tf.Tensor3D;
  /** Per layer, the residual stream after the block: (K, B·T, C). With collect. */
  hidden?: tf.Tensor3D[];
  /** Per layer, attention probabilities: (K·B, nh, T, T). With collect. */
  attention?: tf.Tensor4D[];
}

export class StackedGPT {
  readonly config: ModelConfig;
  /** Number of members K. */
  readonly members: number;
  /** nanoGPT name → (K, ...parameterShape(name)) variable. */
  readonly params: Map<string, tf.Variable>;
  private readonly masks = new Map<number, tf.Tensor2D>();

  /** Stacks K weight maps (each as GPT's constructor takes them); checks every shape first. */
  constructor(config: ModelConfig, members: Map<string, tf.Tensor>[], trainable = true) {
    if (members.length < 1) throw new Error('a stacked model needs at least one member');
    this.config = config;
    this.members = members.length;
    for (const name of parameterNames(config)) {
      const shape = parameterShape(config, name).join();
      members.forEach((m, k) => {
        const w = m.get(name);
        if (!w) throw new Error(`member ${k}: missing parameter ${name}`);
        if (w.shape.join() !== shape)
          throw new Error(`member ${k}: parameter ${name} has shape [${w.shape}] but the config needs [${shape}]`);
      });
    }
    this.params = new Map();
    for (const name of parameterNames(config)) {
      this.params.set(
        name,
        tf.tidy(() => tf.variable(tf.stack(members.map((m) => m.get(name)!)), trainable)),
      );
    }
  }

  /** Member k initialised as GPT.init(config, seeds[k]): the same weights on every backend. */
  static init(config: ModelConfig, seeds: number[], trainable = true): StackedGPT {
    return StackedGPT.fromModels(
      config,
      seeds.map((s) => () => GPT.init(config, s, false)),
      trainable,
    );
  }

  /** Stacks models made one at a time (each disposed once copied). */
  static fromModels(config: ModelConfig, makers: (() => GPT)[], trainable = true): StackedGPT {
    const weights: Map<string, tf.Tensor>[] = [];
    const models: GPT[] = [];
    try {
      for (const make of makers) {
        const m = make();
        models.push(m);
        weights.push(m.params as Map<string, tf.Tensor>);
      }
      return new StackedGPT(config, weights, trainable);
    } finally {
      models.forEach((m) => m.dispose());
    }
  }

  variables(): tf.Variable[] {
    return [...this.params.values()];
  }

  /** Member k's weights as GPT's constructor takes them (new tensors: the caller disposes them). */
  memberWeights(k: number): Map<string, tf.Tensor> {
    if (!(k >= 0 && k < this.members)) throw new Error(`no member ${k} (K = ${this.members})`);
    const out = new Map<string, tf.Tensor>();
    for (const [name, v] of this.params)
      out.set(
        name,
        tf.tidy(() => v.slice(k, 1).reshape(v.shape.slice(1))),
      );
    return out;
  }

  /** A standalone copy of member k (for evaluation, export, the predictions panel). */
  memberModel(k: number, trainable = false): GPT {
    const w = this.memberWeights(k);
    try {
      return new GPT(this.config, w, trainable);
    } finally {
      w.forEach((t) => t.dispose());
    }
  }

  private p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v;
  }

  private layerNorm(x: tf.Tensor3D, base: string): tf.Tensor3D {
    const b = this.config.bias ? (this.p(`${base}.bias`) as tf.Tensor2D) : null;
    return stackedLayerNorm(x, this.p(`${base}.weight`) as tf.Tensor2D, b, LN_EPS);
  }

  /** x: (K, N, in) → (K, N, out), member k with its own weight. */
  private linear(x: tf.Tensor3D, base: string): tf.Tensor3D {
    const y = stackedMatMul(x, this.p(`${base}.weight`) as tf.Tensor3D);
    if (!this.config.bias) return y;
    const b = this.p(`${base}.bias`);
    return y.add(b.reshape([this.members, 1, -1])) as tf.Tensor3D;
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

  private attention(x: tf.Tensor3D, h: string, B: number, T: number): { y: tf.Tensor3D; att: tf.Tensor4D } {
    const K = this.members;
    const C = this.config.nEmbd;
    const nh = this.config.nHead;
    const hs = C / nh;
    const qkv = this.linear(x, `${h}.attn.c_attn`); // (K, B*T, 3C)
    const heads = qkv.reshape([K * B, T, 3 * nh, hs]).transpose([0, 2, 1, 3]); // (K*B, 3·nh, T, hs)
    const [q, k, v] = tf.split(heads, 3, 1) as tf.Tensor4D[]; // each (K*B, nh, T, hs)
    const scores = matMul(q.mul(1 / Math.sqrt(hs)), k, false, true).add(this.causalMask(T)); // (K*B, nh, T, T)
    const att = tf.softmax(scores) as tf.Tensor4D; // (K*B, nh, T, T)
    const y = matMul(att, v); // (K*B, nh, T, hs)
    const merged = y.transpose([0, 2, 1, 3]).reshape([K, B * T, C]) as tf.Tensor3D; // (K, B*T, C)
    return { y: this.linear(merged, `${h}.attn.c_proj`), att };
  }

  private mlp(x: tf.Tensor3D, h: string): tf.Tensor3D {
    const u = this.linear(x, `${h}.mlp.c_fc`); // (K, B*T, 4C)
    return this.linear(gelu(u) as tf.Tensor3D, `${h}.mlp.c_proj`); // (K, B*T, C)
  }

  /** idx: (B, T) int32 token ids, the same batch for every member. */
  forward(idx: tf.Tensor2D, opts: StackedForwardOptions = {}): StackedForwardResult {
    if (this.config.dropout > 0) throw new Error("StackedGPT does not implement dropout (the tasks' models use none)");
    const K = this.members;
    const [B, T] = idx.shape;
    const C = this.config.nEmbd;
    const V = this.config.vocabSize;
    if (T > this.config.blockSize)
      throw new Error(`sequence of length ${T} exceeds block size ${this.config.blockSize}`);
    // Embedding: the one-hot is shared, so all members' lookups are one 2-D product with the
    // members side by side: (B*T, V) @ (V, K·C).
    const oneHot = oneHotFloat(idx.reshape([B * T]) as tf.Tensor1D, V); // (B*T, V)
    const wte = this.p('transformer.wte.weight'); // (K, V, C)
    const wteSideBySide = (K === 1 ? wte : wte.transpose([1, 0, 2])).reshape([V, K * C]); // (V, K·C)
    const tokFlat = matMul(oneHot, wteSideBySide, false, false, 'a'); // (B*T, K·C)
    const tok = (K === 1 ? tokFlat : tokFlat.reshape([B * T, K, C]).transpose([1, 0, 2])).reshape([K, B, T, C]); // (K, B, T, C)
    const wpe = this.p('transformer.wpe.weight'); // (K, blockSize, C)
    const pos = (T === this.config.blockSize ? wpe : wpe.slice([0, 0, 0], [K, T, C])).reshape([K, 1, T, C]); // (K, 1, T, C)
    let x = tok.add(pos).reshape([K, B * T, C]) as tf.Tensor3D; // (K, B*T, C)
    const hidden: tf.Tensor3D[] = [];
    const attention: tf.Tensor4D[] = [];
    for (let i = 0; i < this.config.nLayer; i++) {
      const h = `transformer.h.${i}`;
      const a = this.attention(this.layerNorm(x, `${h}.ln_1`), h, B, T);
      x = x.add(a.y);
      x = x.add(this.mlp(this.layerNorm(x, `${h}.ln_2`), h));
      if (opts.collect) {
        hidden.push(x);
        attention.push(a.att);
      }
    }
    let xs = x; // (K, B*S, C)
    if (opts.select) {
      const S = opts.select.shape[1];
      const sel = K === 1 ? opts.select : (tf.tile(opts.select, [K, 1, 1]) as tf.Tensor3D); // (K*B, S, T)
      xs = matMul(sel, x.reshape([K * B, T, C]) as tf.Tensor3D, false, false, 'a').reshape([K, B * S, C]); // (K, B*S, C)
    }
    const xf = this.layerNorm(xs, 'transformer.ln_f'); // (K, B*S, C)
    // Tied head per member: logits = x · wteᵀ
    const logits = stackedMatMul(xf, wte as tf.Tensor3D, false, true); // (K, B*S, V)
    return opts.collect ? { logits, hidden, attention } : { logits };
  }

  dispose(): void {
    this.params.forEach((v) => v.dispose());
    this.params.clear();
    this.masks.forEach((m) => m.dispose());
    this.masks.clear();
  }
}
