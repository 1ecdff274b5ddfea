// Comparisons at the cost of one run: K students of one architecture trained in lockstep on the
// same batches, in ONE set of batched kernels (src/model/stackedGpt.ts), each with its own
// hyperparameters (T, α, β, γ, δ, learning rate), its own initialisation seed and its own soft
// target. The baseline is one member (α = 0); so are the controls that say how much of the gain is
// dark knowledge:
//
//   'teacher'         the frozen teacher's softmax at the member's T (distillation);
//   'random-teacher'  an untrained teacher of the same architecture (seeded nanoGPT init);
//   'permuted'        the teacher with its non-target probabilities shuffled per row
//                     (src/distill/controls.ts): same confidence, no dark knowledge;
//   'uniform'         the uniform distribution: with α = ε and T = 1, label smoothing with ε.
//
// (Post-hoc temperature scaling of the baseline is a function of its validation logits after
// training: src/train/temperatureScaling.ts.)
//
// Member k computes what DistillStep computes for a student with the same seed, hyperparameters
// and batches (test: tests/stacked.test.ts): the same init (GPT.init with deriveSeed(seed,
// 'init:student'); feature projections from `proj:${i}`), the same objective (stepLoss's, per
// member: src/distill/stackedLoss.ts), the same AdamW with the member's own clipping norm
// (src/train/stackedAdamw.ts). The batch order is DistillStep's for the stack's seed.

import * as tf from '@tensorflow/tfjs';
import type { Hyper, ModelSize } from '../config';
import type { Task } from '../data/task';
import { permuteNonTargets, type PermutationOptions } from '../distill/controls';
import { teacherTargets } from '../distill/stepLoss';
import { stackedStepLoss } from '../distill/stackedLoss';
import { GPT } from '../model/gpt';
import { StackedGPT } from '../model/stackedGpt';
import { deriveSeed, mulberry32, normal } from '../rng';
import { DEFAULT_ADAMW, type AdamWOptions } from './adamw';
import { BatchSampler, disposeSet, gatherBatch, uploadSet, type DeviceSet } from './dataset';
import { StackedAdamW } from './stackedAdamw';
import { modelConfigFor, type CacheOptions } from './steps';

export const SOFT_TARGETS = ['teacher', 'random-teacher', 'permuted', 'uniform'] as const;
export type SoftTarget = (typeof SOFT_TARGETS)[number];

export interface MemberSpec {
  /** For reports: 'baseline', 'T=4 α=0.7', 'label smoothing ε=0.1', … */
  name: string;
  /** Initialisation, as DistillStep's seed: the member starts as DistillStep(seed)'s student. */
  seed: number;
  /** What the soft term matches (default 'teacher'). */
  target?: SoftTarget;
}

/** A member's loss weights for one step. */
export type MemberHyper = Pick<Hyper, 'temperature' | 'alpha' | 'beta' | 'gamma' | 'delta'>;

export interface StackedStepOptions {
  /** Batch order: DistillStep's for this seed (deriveSeed(seed, 'batches:student')). */
  seed: number;
  /** Labelled rows of the training set (the rest are the transfer set), as DistillStep's. */
  labelled: number;
  adam?: AdamWOptions;
  /** Init seed of the random teacher (control 'random-teacher'); default deriveSeed(seed, 'init:random-teacher'). */
  randomTeacherSeed?: number;
  /**
   * Control 'permuted': default seed deriveSeed(seed, 'permute'), keep 'top1', support the task's
   * class tokens (classification) or the whole vocabulary (generation).
   */
  permutation?: Partial<PermutationOptions>;
}

/** Row values of step()'s result, per member (LOSS_TERMS order of losses.ts). */
export const MEMBER_VALUES = ['total', 'hard', 'soft', 'feature', 'attention', 'relation'] as const;

const usesIntermediate = (h: MemberHyper) => h.beta > 0 || h.gamma > 0 || h.delta > 0;

/**
 * A frozen model's raw logits over a device set: (N, V) at each row's scored position when the set
 * has one per row, else (N·T, V). Returns null when `stopped` turned true part way (nothing kept).
 * The same chunked pass as DistillStep.cacheTeacher.
 */
export async function cacheLogits(model: GPT, set: DeviceSet, opts: CacheOptions = {}): Promise<tf.Tensor2D | null> {
  const chunk = opts.chunk ?? 128;
  const parts: tf.Tensor2D[] = [];
  const T = set.seqLen;
  for (let start = 0; start < set.count; start += chunk) {
    if (opts.stopped?.()) {
      tf.dispose(parts);
      return null;
    }
    const n = Math.min(chunk, set.count - start);
    parts.push(
      tf.tidy(() => {
        const select = set.scored?.select.slice([start, 0], [n, T]).reshape([n, 1, T]) as tf.Tensor3D | undefined;
        const logits = model.forward(set.inputs.slice([start, 0], [n, T]), { select }).logits;
        return logits.reshape([-1, logits.shape[2]]) as tf.Tensor2D;
      }),
    );
    await parts[parts.length - 1].data();
    opts.onProgress?.(start + n, set.count);
  }
  const all = tf.tidy(() => tf.concat(parts, 0) as tf.Tensor2D);
  tf.dispose(parts);
  return all;
}

/** Per cached row (scored position, or every position), its target token: the 'label' of control 'permuted'. */
function rowLabels(task: Task, scored: boolean): Int32Array {
  const s = task.train;
  const T = s.seqLen;
  if (!scored) return Int32Array.from(s.targets);
  const out = new Int32Array(s.count);
  for (let i = 0; i < s.count; i++) {
    for (let t = 0; t < T; t++) {
      const at = i * T + t;
      if (s.hardMask[at] === 1 || s.softMask[at] === 1) {
        out[i] = s.targets[at];
        break;
      }
    }
  }
  return out;
}

export class StackedDistillStep {
  readonly students: StackedGPT;
  /** Per student layer, (K, Cs, Ct): member k's map to the teacher's width for the feature term. */
  readonly projections: tf.Variable[];
  readonly members: readonly MemberSpec[];
  private readonly set: DeviceSet;
  private readonly sampler: BatchSampler;
  private readonly opt: StackedAdamW;
  /** Raw logits per soft-target source over the training set (see cacheLogits). */
  private sources = new Map<SoftTarget, tf.Tensor2D>();
  /** Every member's target distribution at its temperature: rebuilt when a member's T changes. */
  private table: { key: string; probs: tf.Tensor3D; offsets: tf.Tensor3D } | null = null;
  /** Row indices of the most recent batch. */
  lastRows: Int32Array = new Int32Array(0);

  constructor(
    readonly teacher: GPT,
    readonly task: Task,
    studentSize: ModelSize,
    members: readonly MemberSpec[],
    private readonly opts: StackedStepOptions,
  ) {
    if (!members.length) throw new Error('a stacked step needs at least one member');
    for (const m of members) {
      if (m.target !== undefined && !SOFT_TARGETS.includes(m.target))
        throw new Error(`member ${m.name}: unknown soft target "${m.target}" (use ${SOFT_TARGETS.join(', ')})`);
    }
    this.members = members.map((m) => ({ ...m, target: m.target ?? 'teacher' }));
    const config = modelConfigFor(studentSize, task);
    this.students = StackedGPT.init(
      config,
      members.map((m) => deriveSeed(m.seed, 'init:student')),
    );
    const cs = studentSize.nEmbd;
    const ct = teacher.config.nEmbd;
    const K = members.length;
    // As DistillStep's projections, member by member.
    this.projections = Array.from({ length: studentSize.nLayer }, (_, i) =>
      tf.tidy(() => {
        const data = new Float32Array(K * cs * ct);
        members.forEach((m, k) =>
          data.set(normal(mulberry32(deriveSeed(m.seed, `proj:${i}`)), cs * ct, 1 / Math.sqrt(cs)), k * cs * ct),
        );
        return tf.variable(tf.tensor3d(data, [K, cs, ct]));
      }),
    );
    this.set = uploadSet(task.train);
    // DistillStep's batch order for this seed.
    const nLabelled = Math.min(opts.labelled, task.train.count);
    this.sampler = new BatchSampler(deriveSeed(opts.seed, 'batches:student'), nLabelled, task.train.count - nLabelled);
    // Two groups, as DistillStep's student optimiser: weights always, projections while β > 0.
    this.opt = new StackedAdamW(K, [this.students.variables(), this.projections], opts.adam ?? DEFAULT_ADAMW);
  }

  get size(): number {
    return this.members.length;
  }

  /**
   * Runs the frozen teacher once over the training set (and the random teacher, when a member uses
   * it) and keeps the raw logits of every soft-target source. False when stopped part way.
   */
  async cacheTeacher(opts: CacheOptions = {}): Promise<boolean> {
    const needed = new Set(this.members.map((m) => m.target!));
    const fresh = new Map<SoftTarget, tf.Tensor2D>();
    const give = (ok: boolean) => {
      if (!ok) fresh.forEach((t) => t.dispose());
      return ok;
    };
    const teacher = await cacheLogits(this.teacher, this.set, opts);
    if (!teacher) return give(false);
    fresh.set('teacher', teacher);
    const [R, V] = teacher.shape;
    if (needed.has('random-teacher')) {
      const random = GPT.init(
        this.teacher.config,
        this.opts.randomTeacherSeed ?? deriveSeed(this.opts.seed, 'init:random-teacher'),
        false,
      );
      const logits = await cacheLogits(random, this.set, opts);
      random.dispose();
      if (!logits) return give(false);
      fresh.set('random-teacher', logits);
    }
    if (needed.has('permuted')) {
      const p = this.opts.permutation ?? {};
      const classes = this.task.classes ? Int32Array.from(this.task.classes.map((c) => c.tokenId)) : null;
      const options: PermutationOptions = {
        seed: p.seed ?? deriveSeed(this.opts.seed, 'permute'),
        keep: p.keep ?? 'top1',
        support: p.support !== undefined ? p.support : classes,
      };
      const host = (await teacher.data()) as Float32Array;
      const permuted = permuteNonTargets(
        host,
        V,
        options,
        options.keep === 'label' ? rowLabels(this.task, !!this.set.scored) : undefined,
      );
      fresh.set('permuted', tf.tensor2d(permuted, [R, V]));
    }
    if (needed.has('uniform')) fresh.set('uniform', tf.zeros([R, V]));
    if (!needed.has('teacher') && !needed.has('permuted')) {
      // Only the intermediate terms would need the teacher itself, and they run it per step.
      fresh.get('teacher')!.dispose();
      fresh.delete('teacher');
    }
    this.disposeCache();
    this.sources = fresh;
    return true;
  }

  /** The cached raw logits of a soft-target source (owned by this step: do not dispose). */
  cachedLogits(target: SoftTarget): tf.Tensor2D | undefined {
    return this.sources.get(target);
  }

  /** (K, count, S·V) target probabilities and (K, count, S·2) offsets of every member at its T. */
  private targetsAt(temperatures: number[]): { probs: tf.Tensor3D; offsets: tf.Tensor3D } {
    if (!this.sources.size) throw new Error('call cacheTeacher() before stepping');
    const key = this.members.map((m, k) => `${m.target}@${temperatures[k]}`).join('|');
    if (this.table?.key !== key) {
      if (this.table) tf.dispose([this.table.probs, this.table.offsets]);
      const n = this.set.count;
      this.table = tf.tidy(() => {
        const per = this.members.map((m, k) => teacherTargets(this.sources.get(m.target!)!, temperatures[k]));
        const probs = tf.stack(per.map((t) => t.probs)).reshape([this.size, n, -1]) as tf.Tensor3D;
        const offsets = tf.stack(per.map((t) => t.offsets)).reshape([this.size, n, -1]) as tf.Tensor3D;
        return { key, probs: tf.keep(probs), offsets: tf.keep(offsets) };
      });
    }
    return this.table!;
  }

  /**
   * One update of every member on one batch. hypers[k]: member k's weights this step; lr: one rate
   * for all or one per member. Returns a kept (K, MEMBER_VALUES.length) tensor: row k is member k's
   * total and terms, as DistillStep reports its student's (the soft term of an α = 0 member is its
   * distance to its target, reported, not trained on).
   */
  step(hypers: readonly MemberHyper[], batchSize: number, lr: number | readonly number[]): tf.Tensor2D {
    const K = this.size;
    if (hypers.length !== K) throw new Error(`step: ${hypers.length} hyperparameter sets for ${K} members`);
    hypers.forEach((h, k) => {
      if (usesIntermediate(h) && this.members[k].target !== 'teacher') {
        throw new Error(
          `member ${this.members[k].name}: the intermediate terms (β, γ, δ) need the real teacher, not the ${this.members[k].target} target`,
        );
      }
    });
    const inter = hypers.some(usesIntermediate);
    const table = this.targetsAt(hypers.map((h) => h.temperature));
    this.lastRows = this.sampler.next(batchSize);
    const rows = this.lastRows;
    const lrs = typeof lr === 'number' ? lr : [...lr];
    return tf.tidy(() => {
      const rowIdx = tf.tensor1d(rows, 'int32');
      const b = gatherBatch(this.set, rows, rowIdx, { tokenMask: inter });
      const N = b.targets.shape[0];
      const soft = {
        probs: tf.gather(table.probs, rowIdx, 1).reshape([K, N, -1]) as tf.Tensor3D, // (K, N, V)
        offsets: tf.gather(table.offsets, rowIdx, 1).reshape([K, N, 2]) as tf.Tensor3D, // (K, N, 2)
        softMask: b.softMask,
        softCount: b.softCount,
      };
      const teacherOut = inter ? this.teacher.forward(b.inputs, { collect: true, select: b.select }) : null;
      let report: tf.Tensor2D | null = null;
      this.opt.minimize(
        () => {
          const out = this.students.forward(b.inputs, { collect: inter, select: b.select });
          const { total, values } = stackedStepLoss(
            {
              logits: out.logits,
              targets: b.targets,
              hardMask: b.hardMask,
              hardCount: b.hardCount,
              soft,
              intermediate: teacherOut
                ? {
                    studentHidden: out.hidden!,
                    teacherHidden: teacherOut.hidden!,
                    studentAtt: out.attention!,
                    teacherAtt: teacherOut.attention!,
                    projections: this.projections as tf.Tensor3D[],
                    tokenMask: b.tokenMask!,
                  }
                : undefined,
            },
            hypers,
          );
          report = tf.keep(values);
          return total;
        },
        lrs,
        [null, hypers.map((h) => h.beta > 0)],
      );
      return report!;
    });
  }

  /** The optimiser state: the weights' group, then the projections', each (K, P). */
  moments(): { m: tf.Tensor2D; v: tf.Tensor2D }[] {
    return this.opt.moments();
  }

  /** A standalone copy of member k (evaluation, export, predictions). */
  memberModel(k: number): GPT {
    return this.students.memberModel(k);
  }

  private disposeCache(): void {
    this.sources.forEach((t) => t.dispose());
    this.sources.clear();
    if (this.table) tf.dispose([this.table.probs, this.table.offsets]);
    this.table = null;
  }

  dispose(): void {
    this.students.dispose();
    this.projections.forEach((p) => p.dispose());
    disposeSet(this.set);
    this.opt.dispose();
    this.disposeCache();
  }
}
