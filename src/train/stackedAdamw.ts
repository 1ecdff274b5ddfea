// AdamW for K models held as stacked variables ([K, ...] each, src/model/stackedGpt.ts): member k's
// update is exactly adamw.ts's AdamW on member k's slices — decoupled weight decay on matrices only
// (a member's own rank ≥ 2), and global-norm clipping with member k's OWN gradient norm (over all
// of its groups), never the stack's. Each member may have its own learning rate.
//
// As adamw.ts, a group's variables are updated as one flat tensor, now (K, P): the gradients and
// parameters are concatenated along the member's flat axis (one op each), the moments live as
// (K, P), the AdamW arithmetic runs once for all members, and the parameters are cut back out. So a
// step costs about the same ops for K members as AdamW does for one.

import * as tf from '@tensorflow/tfjs';
import { DEFAULT_ADAMW, type AdamWOptions } from './adamw';

class StackedGroup {
  /** Per variable, the size of one member's slice. */
  readonly sizes: number[];
  /** One member's flat size P. */
  readonly size: number;
  readonly m: tf.Variable<tf.Rank.R2>; // (K, P)
  readonly v: tf.Variable<tf.Rank.R2>; // (K, P)
  /** (1, P) 1 on matrix entries, 0 on vectors; null when all or none decay. */
  readonly decayMask: tf.Tensor2D | null;
  readonly allDecay: boolean;

  constructor(
    readonly variables: tf.Variable[],
    readonly K: number,
  ) {
    variables.forEach((x) => {
      if (x.shape[0] !== K)
        throw new Error(`StackedAdamW: variable of shape [${x.shape}] is not stacked over ${K} members`);
    });
    this.sizes = variables.map((x) => x.size / K);
    this.size = this.sizes.reduce((a, b) => a + b, 0);
    this.m = tf.tidy(() => tf.variable(tf.zeros([K, this.size]), false)) as tf.Variable<tf.Rank.R2>;
    this.v = tf.tidy(() => tf.variable(tf.zeros([K, this.size]), false)) as tf.Variable<tf.Rank.R2>;
    const decays = variables.map((x) => x.rank - 1 >= 2); // the member's own rank
    this.allDecay = decays.every(Boolean);
    if (this.allDecay || !decays.some(Boolean)) {
      this.decayMask = null;
    } else {
      const mask = new Float32Array(this.size);
      let offset = 0;
      variables.forEach((_, i) => {
        if (decays[i]) mask.fill(1, offset, offset + this.sizes[i]);
        offset += this.sizes[i];
      });
      this.decayMask = tf.keep(tf.tensor2d(mask, [1, this.size]));
    }
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.decayMask?.dispose();
  }
}

export class StackedAdamW {
  readonly variables: tf.Variable[];
  private readonly groups: StackedGroup[];
  private t = 0;

  /**
   * `variables`: one group or a list of groups, every variable stacked over the K members. A group
   * whose variables get no gradient in a step is skipped (as AdamW); one with only some is refused.
   */
  constructor(
    readonly members: number,
    variables: tf.Variable[] | tf.Variable[][],
    private readonly opts: AdamWOptions = DEFAULT_ADAMW,
  ) {
    const groups = (variables.length > 0 && Array.isArray(variables[0]) ? variables : [variables]) as tf.Variable[][];
    this.groups = groups.filter((g) => g.length > 0).map((g) => new StackedGroup(g, members));
    this.variables = this.groups.flatMap((g) => g.variables);
  }

  get stepCount(): number {
    return this.t;
  }

  /** Each group's moments as (K, P): row k is what AdamW.moments() gives for member k alone. */
  moments(): { m: tf.Tensor2D; v: tf.Tensor2D }[] {
    return this.groups.map((g) => ({ m: g.m, v: g.v }));
  }

  /**
   * Gradient of `loss` (the sum of the members' losses) with respect to these variables only, then
   * one update. `lr`: one rate for all members or one per member. `active[g][k] = false` leaves
   * member k's slice of group g untouched this step, moments included (as AdamW leaves a group that
   * got no gradient: a member with β = 0 does not use its feature projections). Returns the loss.
   */
  minimize(loss: () => tf.Scalar, lr: number | number[], active?: (boolean[] | null)[]): tf.Scalar {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, this.variables);
      this.apply(
        this.variables.map((x) => grads[x.name] ?? null),
        lr,
        active,
      );
      return value;
    });
  }

  private apply(grads: (tf.Tensor | null)[], lr: number | number[], active?: (boolean[] | null)[]): void {
    const K = this.members;
    const { beta1, beta2, epsilon, clipNorm, weightDecay } = this.opts;
    const lrs = typeof lr === 'number' ? new Array<number>(K).fill(lr) : lr;
    if (lrs.length !== K) throw new Error(`StackedAdamW: ${lrs.length} learning rates for ${K} members`);
    this.t += 1;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      let offset = 0;
      const flat = this.groups.map((group, gi) => {
        const gs = grads.slice(offset, offset + group.variables.length);
        offset += group.variables.length;
        const present = gs.filter((g) => g !== null).length;
        if (present === 0) return { group, gi, g: null };
        if (present < gs.length) throw new Error('StackedAdamW: a group got gradients for only some of its variables');
        return {
          group,
          gi,
          g: tf.concat(
            gs.map((g) => g!.reshape([K, -1])),
            1,
          ) as tf.Tensor2D,
        }; // (K, P)
      });
      // Per member: scale_k = min(1, clip / ‖g_k‖), ‖g_k‖ over all of member k's gradients.
      let scale: tf.Tensor2D | null = null;
      if (clipNorm > 0) {
        const sq = flat.filter((f) => f.g).map((f) => f.g!.square().sum(1)); // each (K)
        if (sq.length)
          scale = tf
            .scalar(clipNorm)
            .div(
              sq
                .reduce((a, b) => a.add(b))
                .sqrt()
                .maximum(clipNorm),
            )
            .reshape([K, 1]) as tf.Tensor2D;
      }
      const stepSize = tf.tensor2d(
        lrs.map((x) => x / bc1),
        [K, 1],
      ); // (K, 1)
      const decay =
        weightDecay > 0
          ? tf.tensor2d(
              lrs.map((x) => x * weightDecay),
              [K, 1],
            )
          : null; // (K, 1)
      for (const f of flat) {
        if (!f.g) continue;
        const act = active?.[f.gi];
        const keep =
          act && act.some((a) => !a)
            ? tf.tensor2d(
                act.map((a) => (a ? 1 : 0)),
                [K, 1],
              )
            : null;
        this.applyFlat(f.group, f.g, scale, stepSize, decay, bc2, epsilon, keep);
      }
    });
  }

  /** g: (K, P). `on`: (K, 1) 1 for members to update, 0 for members left as they are; null: all. */
  private applyFlat(
    group: StackedGroup,
    grad: tf.Tensor2D,
    scale: tf.Tensor2D | null,
    stepSize: tf.Tensor2D,
    decay: tf.Tensor2D | null,
    bc2: number,
    eps: number,
    on: tf.Tensor2D | null,
  ): void {
    const { beta1, beta2 } = this.opts;
    const K = this.members;
    const g = scale ? grad.mul(scale) : grad; // (K, P)
    let m = group.m.mul(beta1).add(g.mul(1 - beta1)) as tf.Tensor2D;
    let v = group.v.mul(beta2).add(g.square().mul(1 - beta2)) as tf.Tensor2D;
    // p ← p − stepSize_k · m / (√(v / bc2) + ε) − lr_k · wd · p   (decay on matrices only)
    const p = tf.concat(
      group.variables.map((x) => x.reshape([K, -1])),
      1,
    ) as tf.Tensor2D; // (K, P)
    let next = p.sub(m.div(v.div(bc2).sqrt().add(eps)).mul(stepSize)) as tf.Tensor2D;
    if (decay && group.decayMask) next = next.sub(p.mul(group.decayMask.mul(decay))) as tf.Tensor2D;
    else if (decay && group.allDecay) next = next.sub(p.mul(decay)) as tf.Tensor2D;
    if (on) {
      // x·1 + y·0 = x and x·0 + y·1 = y exactly, so untouched members keep their bits.
      const off = tf.scalar(1).sub(on);
      const pick = (updated: tf.Tensor2D, old: tf.Tensor2D) => updated.mul(on).add(old.mul(off)) as tf.Tensor2D;
      m = pick(m, group.m);
      v = pick(v, group.v);
      next = pick(next, p);
    }
    group.m.assign(m);
    group.v.assign(v);
    const parts = tf.split(next, group.sizes, 1);
    group.variables.forEach((x, i) => x.assign(parts[i].reshape(x.shape)));
  }

  dispose(): void {
    this.groups.forEach((g) => g.dispose());
  }
}
