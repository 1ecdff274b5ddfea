// AdamW (decoupled weight decay, Loshchilov & Hutter) with global-norm gradient clipping.
// tfjs ships Adam without decoupled decay, so the update is written out here. Everything stays on
// the device: the clipping scale is a tensor, so no value is read back during a step.
//
// As in nanoGPT, only matrices (rank ≥ 2: Linear weights, embeddings) decay; biases and LayerNorm
// gains do not.
//
// Speed: on WebGPU a step costs about one dispatch per op, and a per-variable update is ~16 ops per
// variable. So the variables of a group are updated as one flat vector: the gradients and the
// parameters are concatenated (one op each), the moments live flat, the AdamW arithmetic runs once
// (~15 ops), and the new parameters are cut back out (one slice per variable). A step costs
// ~20 + (variables) ops instead of ~18 × (variables).

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

/** Variables updated together as one flat vector, with their flat moments. */
class Group {
  readonly sizes: number[];
  readonly size: number;
  readonly m: tf.Variable<tf.Rank.R1>; // (size)
  readonly v: tf.Variable<tf.Rank.R1>; // (size)
  /** (size) 1 on matrix entries (they decay), 0 on vectors; null when all or none decay. */
  readonly decayMask: tf.Tensor1D | null;
  /** True when every variable decays (all matrices); false with decayMask null: none does. */
  readonly allDecay: boolean;

  constructor(readonly variables: tf.Variable[]) {
    this.sizes = variables.map((x) => x.size);
    this.size = this.sizes.reduce((a, b) => a + b, 0);
    // tf.variable(t) shares t's data and leaves t alive: make the initial zeros inside a tidy.
    this.m = tf.tidy(() => tf.variable(tf.zeros([this.size]), false)) as tf.Variable<tf.Rank.R1>;
    this.v = tf.tidy(() => tf.variable(tf.zeros([this.size]), false)) as tf.Variable<tf.Rank.R1>;
    const decays = variables.map((x) => x.rank >= 2);
    this.allDecay = decays.every(Boolean);
    if (this.allDecay || !decays.some(Boolean)) {
      this.decayMask = null;
    } else {
      const mask = new Float32Array(this.size);
      let offset = 0;
      variables.forEach((x, i) => {
        if (decays[i]) mask.fill(1, offset, offset + x.size);
        offset += x.size;
      });
      this.decayMask = tf.keep(tf.tensor1d(mask));
    }
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.decayMask?.dispose();
  }
}

export class AdamW {
  readonly variables: tf.Variable[];
  private readonly groups: Group[];
  private t = 0;

  /**
   * `variables` is one group, or a list of groups. Group variables that always get a gradient
   * together (a model's weights; the feature projections, used only while β > 0): a group whose
   * variables all have gradients takes the flat path; a group with none is skipped; a group with
   * only some falls back to a per-variable update of those (correct, slower).
   */
  constructor(
    variables: tf.Variable[] | tf.Variable[][],
    private readonly opts: AdamWOptions = DEFAULT_ADAMW,
  ) {
    const groups = (variables.length > 0 && Array.isArray(variables[0]) ? variables : [variables]) as tf.Variable[][];
    this.groups = groups.filter((g) => g.length > 0).map((g) => new Group(g));
    this.variables = this.groups.flatMap((g) => g.variables);
  }

  get stepCount(): number {
    return this.t;
  }

  /**
   * Each group's first and second moments as flat (size) vectors, in group order. After the first
   * update m = (1 − β1)·g, the clipped gradient itself: the parity suite compares steps through it.
   */
  moments(): { m: tf.Tensor1D; v: tf.Tensor1D }[] {
    return this.groups.map((g) => ({ m: g.m, v: g.v }));
  }

  /**
   * Puts back a saved state (src/train/checkpoint.ts): the step counter (the bias corrections depend
   * on it) and each group's flat moments, in moments() order. Refuses a state of another shape.
   */
  restore(stepCount: number, moments: { m: Float32Array; v: Float32Array }[]): void {
    if (moments.length !== this.groups.length)
      throw new Error(`AdamW.restore: ${moments.length} moment groups for an optimizer of ${this.groups.length}`);
    this.groups.forEach((g, i) => {
      const { m, v } = moments[i];
      if (m.length !== g.size || v.length !== g.size)
        throw new Error(
          `AdamW.restore: group ${i} has ${g.size} parameters but the saved moments ${m.length}/${v.length}`,
        );
    });
    this.groups.forEach((g, i) => {
      tf.tidy(() => {
        g.m.assign(tf.tensor1d(moments[i].m));
        g.v.assign(tf.tensor1d(moments[i].v));
      });
    });
    this.t = stepCount;
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
      this.apply(
        this.variables.map((x) => grads[x.name] ?? null),
        lr,
        weightDecay,
      );
      return value;
    });
  }

  /**
   * Global L2 norm of a list of gradients, as a scalar tensor. (Not tf.addN of per-tensor sums: on
   * WebGPU an AddN of more than 7 inputs exceeds the 8 storage buffers a shader may bind.)
   */
  static globalNorm(grads: (tf.Tensor | null)[]): tf.Scalar {
    const present = grads.filter((g): g is tf.Tensor => g !== null);
    return tf
      .concat(present.map((g) => g.reshape([-1])))
      .square()
      .sum()
      .sqrt() as tf.Scalar;
  }

  private apply(grads: (tf.Tensor | null)[], lr: number, weightDecay: number): void {
    const { beta1, beta2, epsilon, clipNorm } = this.opts;
    this.t += 1;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      // Per group: its gradients as one flat vector (null when the group got none this step).
      let offset = 0;
      const flat = this.groups.map((group) => {
        const gs = grads.slice(offset, offset + group.variables.length);
        offset += group.variables.length;
        const present = gs.filter((g) => g !== null).length;
        if (present === 0) return { group, gs, g: null };
        if (present < gs.length) return { group, gs, g: null, partial: true };
        return { group, gs, g: tf.concat(gs.map((g) => g!.reshape([-1]))) as tf.Tensor1D }; // (size)
      });
      // scale = min(1, clip / ‖g‖) computed on the device
      let scale: tf.Scalar | null = null;
      if (clipNorm > 0) {
        const sq = flat.flatMap((f) =>
          f.g ? [f.g.square().sum()] : f.partial ? f.gs.filter((g) => g).map((g) => g!.square().sum()) : [],
        );
        if (sq.length)
          scale = tf.scalar(clipNorm).div(
            sq
              .reduce((a, b) => a.add(b))
              .sqrt()
              .maximum(clipNorm),
          ) as tf.Scalar;
      }
      const stepSize = lr / bc1;
      for (const f of flat) {
        if (f.g) this.applyFlat(f.group, f.g, scale, stepSize, bc2, lr * weightDecay, epsilon);
        else if (f.partial) this.applyEach(f.group, f.gs, scale, stepSize, bc2, lr * weightDecay, epsilon);
      }
    });
  }

  /** The whole group at once. g: (size) flat gradient. */
  private applyFlat(
    group: Group,
    grad: tf.Tensor1D,
    scale: tf.Scalar | null,
    stepSize: number,
    bc2: number,
    decay: number,
    eps: number,
  ): void {
    const { beta1, beta2 } = this.opts;
    const g = scale ? grad.mul(scale) : grad; // (size)
    const m = group.m.mul(beta1).add(g.mul(1 - beta1)) as tf.Tensor1D;
    const v = group.v.mul(beta2).add(g.square().mul(1 - beta2)) as tf.Tensor1D;
    group.m.assign(m);
    group.v.assign(v);
    // p ← p − stepSize · m / (√(v / bc2) + ε) − lr · wd · p   (decay on matrices only)
    const p = tf.concat(group.variables.map((x) => x.reshape([-1]))) as tf.Tensor1D; // (size)
    let next = p.sub(m.div(v.div(bc2).sqrt().add(eps)).mul(stepSize));
    if (decay > 0 && group.decayMask) next = next.sub(p.mul(group.decayMask.mul(decay)));
    else if (decay > 0 && group.allDecay) next = next.sub(p.mul(decay));
    const parts = tf.split(next, group.sizes);
    group.variables.forEach((x, i) => x.assign(parts[i].reshape(x.shape)));
  }

  /** Fallback when only some variables of a group have gradients: update those one by one. */
  private applyEach(
    group: Group,
    grads: (tf.Tensor | null)[],
    scale: tf.Scalar | null,
    stepSize: number,
    bc2: number,
    decay: number,
    eps: number,
  ): void {
    const { beta1, beta2 } = this.opts;
    const ms = tf.split(group.m, group.sizes);
    const vs = tf.split(group.v, group.sizes);
    const nextM: tf.Tensor[] = [];
    const nextV: tf.Tensor[] = [];
    group.variables.forEach((p, i) => {
      const grad = grads[i];
      if (!grad) {
        nextM.push(ms[i]);
        nextV.push(vs[i]);
        return;
      }
      const g = (scale ? grad.mul(scale) : grad).reshape([-1]);
      const m = ms[i].mul(beta1).add(g.mul(1 - beta1));
      const v = vs[i].mul(beta2).add(g.square().mul(1 - beta2));
      nextM.push(m);
      nextV.push(v);
      let update = m.div(v.div(bc2).sqrt().add(eps)).mul(stepSize).reshape(p.shape);
      if (decay > 0 && p.rank >= 2) update = update.add(p.mul(decay));
      p.assign(p.sub(update));
    });
    group.m.assign(tf.concat(nextM) as tf.Tensor1D);
    group.v.assign(tf.concat(nextV) as tf.Tensor1D);
  }

  dispose(): void {
    this.groups.forEach((g) => g.dispose());
  }
}
