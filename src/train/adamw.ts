// AdamW (decoupled weight decay, Loshchilov & Hutter) with global-norm gradient clipping.
// tfjs ships Adam without decoupled decay, so the update is written out here. Everything stays on
// the device: the clipping scale is a tensor, so no value is read back during a step.
//
// As in nanoGPT, only matrices (rank ≥ 2: Linear weights, embeddings) decay; biases and LayerNorm
// gains do not.

import * as tf from '@tensorflow/tfjs';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  /** Clip the global gradient norm to this value; 0 disables clipping. */
  clipNorm: number;
}

export const DEFAULT_ADAMW: AdamWOptions = { beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.01, clipNorm: 1 };

export class AdamW {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    readonly variables: tf.Variable[],
    private readonly opts: AdamWOptions = DEFAULT_ADAMW,
  ) {
    // tf.variable(t) shares t's data and leaves t alive: make the initial zeros inside a tidy.
    this.m = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
    this.v = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
  }

  get stepCount(): number {
    return this.t;
  }

  /**
   * Computes the gradient of `loss` with respect to this optimizer's variables only (so a frozen
   * teacher used inside `loss` is never updated) and applies one update. Returns the loss value.
   */
  minimize(loss: () => tf.Scalar, lr: number, weightDecay = this.opts.weightDecay): tf.Scalar {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, this.variables);
      // A variable the loss does not use this step (e.g. the feature projections while β = 0)
      // gets no gradient and is left untouched, moments included.
      this.apply(this.variables.map((x) => grads[x.name] ?? null), lr, weightDecay);
      return value;
    });
  }

  /** Global L2 norm of a list of gradients, as a scalar tensor. */
  static globalNorm(grads: (tf.Tensor | null)[]): tf.Scalar {
    const present = grads.filter((g): g is tf.Tensor => g !== null);
    return tf.addN(present.map((g) => g.square().sum())).sqrt() as tf.Scalar;
  }

  private apply(grads: (tf.Tensor | null)[], lr: number, weightDecay: number): void {
    const { beta1, beta2, epsilon, clipNorm } = this.opts;
    this.t += 1;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      // scale = min(1, clip / ‖g‖) computed on the device
      const scale = clipNorm > 0 ? tf.scalar(clipNorm).div(AdamW.globalNorm(grads).maximum(clipNorm)) : null;
      const stepSize = lr / bc1;
      this.variables.forEach((p, i) => {
        const grad = grads[i];
        if (!grad) return;
        const g = scale ? grad.mul(scale) : grad;
        const m = this.m[i].mul(beta1).add(g.mul(1 - beta1));
        const v = this.v[i].mul(beta2).add(g.square().mul(1 - beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        let update = m.div(v.div(bc2).sqrt().add(epsilon)).mul(stepSize);
        if (weightDecay > 0 && p.rank >= 2) update = update.add(p.mul(lr * weightDecay));
        p.assign(p.sub(update));
      });
    });
  }

  dispose(): void {
    this.m.forEach((x) => x.dispose());
    this.v.forEach((x) => x.dispose());
  }
}
