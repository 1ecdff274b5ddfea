// One training step for each phase. A step never reads a value back: it returns a small tensor of
// loss values that the caller reads a few times a second (DistillationRun.flush in run.ts), so the device never stalls.
//
// Speed (BENCHMARKS.md): on WebGPU a small model's step costs about one dispatch per op, so a step is
// written to issue few ops. The frozen teacher's logits are cached once, and its softmax at the
// current temperature once per temperature; the losses are the fused stepLoss; where every row
// scores one position (classification) the head and losses run at that position only; the loss
// normalisers are counted on the host; and AdamW updates each model as one flat vector.

import * as tf from '@tensorflow/tfjs';
import type { Hyper, ModelConfig, ModelSize } from '../config';
import { fusedDivergence, stepLoss, type StepLossInputs, type TeacherTargets } from '../distill/stepLoss';
import { sampledTargets, topKTargets } from '../distill/sparseTeacher';
import { finiteLog } from '../distill/losses';
import { objectiveOf, type Objective } from '../objective';
import type { Task } from '../data/task';
import { GPT } from '../model/gpt';
import { deriveSeed, mulberry32, normal } from '../rng';
import { AdamW, type AdamWOptions } from './adamw';
import { BatchSampler, disposeSet, gatherBatch, uploadSet, type Batch, type DeviceSet } from './dataset';
import { TeacherCache } from './teacherCache';

export function modelConfigFor(size: ModelSize, task: Pick<Task, 'vocab' | 'seqLen'>): ModelConfig {
  return { ...size, vocabSize: task.vocab.length, blockSize: task.seqLen, bias: false, dropout: 0 };
}

/** (B, S, V) → (B*S, V) */
function flatLogits(logits: tf.Tensor3D): tf.Tensor2D {
  const [B, S, V] = logits.shape;
  return logits.reshape([B * S, V]);
}

/** Hard-label loss of `model` on batch b: the teacher phase's and the baseline's objective. */
function hardLoss(model: GPT, b: Batch): tf.Scalar {
  const logits = flatLogits(model.forward(b.inputs, { training: true, select: b.select }).logits); // (N, V)
  const weights = { temperature: 1, alpha: 0, beta: 0, gamma: 0, delta: 0 };
  return stepLoss({ studentLogits: logits, targets: b.targets, hardMask: b.hardMask, hardCount: b.hardCount }, weights)
    .total;
}

/** Trains a model on hard labels alone: the teacher phase. */
export class TeacherStep {
  private readonly set: DeviceSet;
  /** Batch order and optimizer: with the model's weights, the phase's whole state (a checkpoint saves them). */
  readonly sampler: BatchSampler;
  readonly opt: AdamW;

  constructor(
    readonly model: GPT,
    task: Task,
    seed: number,
    adam: AdamWOptions,
  ) {
    this.set = uploadSet(task.teacherTrain);
    this.sampler = new BatchSampler(deriveSeed(seed, 'batches:teacher'), task.teacherTrain.count, 0);
    this.opt = new AdamW(model.variables(), adam);
  }

  /** One update; returns the (kept) scalar loss. */
  step(batchSize: number, lr: number): tf.Scalar {
    const rows = this.sampler.next(batchSize);
    return tf.tidy(() => {
      const b = gatherBatch(this.set, rows, tf.tensor1d(rows, 'int32'));
      return this.opt.minimize(() => hardLoss(this.model, b), lr);
    });
  }

  dispose(): void {
    disposeSet(this.set);
    this.opt.dispose();
  }
}

export interface CacheOptions {
  /** Training rows per teacher forward. */
  chunk?: number;
  /** Called after each chunk with the rows done so far and the total. */
  onProgress?(done: number, total: number): void;
  /** Checked before each chunk: true abandons the cache. */
  stopped?(): boolean;
}

/**
 * Initial value of the feature projection of student layer i, (Cs, Ct) row-major: N(0, 1/Cs) from
 * the run seed. (The PyTorch export writes these values rather than re-deriving them.)
 */
export function initialProjection(seed: number, layer: number, cs: number, ct: number): Float32Array {
  return normal(mulberry32(deriveSeed(seed, `proj:${layer}`)), cs * ct, 1 / Math.sqrt(cs));
}

/** The distillation phase's batch order (student and baseline share it) over a train set of `count` rows. */
export function studentSampler(seed: number, labelled: number, count: number): BatchSampler {
  const nLabelled = Math.min(labelled, count);
  return new BatchSampler(deriveSeed(seed, 'batches:student'), nLabelled, count - nLabelled);
}

/**
 * Distillation phase: the student learns from labels and the frozen teacher while a baseline with
 * the same architecture and initialisation learns from the labels alone, on the same batches.
 * Only student (and projection) variables reach the student's optimizer; the teacher's never do.
 */
export class DistillStep {
  readonly student: GPT;
  readonly baseline: GPT;
  /** Student width → teacher width maps for the feature term, one per student layer. */
  readonly projections: tf.Variable[];
  private readonly set: DeviceSet;
  /** Batch order and optimizers: with the models and projections, the phase's whole state (a checkpoint saves them). */
  readonly sampler: BatchSampler;
  readonly studentOpt: AdamW;
  readonly baselineOpt: AdamW;
  /**
   * Raw teacher logits over the training set and their softmax at the current T, filled row by row
   * as batches first need them (src/train/teacherCache.ts): the teacher is frozen, so they never
   * change. (N, V) at each row's scored position when the set has one per row, else (N*T, V).
   */
  readonly cache: TeacherCache;
  /** Row indices of the most recent batch (for tests and the UI's "same batches" claim). */
  lastRows: Int32Array = new Int32Array(0);

  constructor(
    readonly teacher: GPT,
    readonly task: Task,
    studentSize: ModelSize,
    private readonly seed: number,
    labelled: number,
    adam: AdamWOptions,
  ) {
    const config = modelConfigFor(studentSize, task);
    // Same seed for both: the only difference between them is the teacher's signal.
    this.student = GPT.init(config, deriveSeed(seed, 'init:student'));
    this.baseline = GPT.init(config, deriveSeed(seed, 'init:student'));
    const cs = studentSize.nEmbd;
    const ct = teacher.config.nEmbd;
    this.projections = Array.from({ length: studentSize.nLayer }, (_, i) =>
      tf.tidy(() => tf.variable(tf.tensor2d(initialProjection(seed, i, cs, ct), [cs, ct]))),
    );
    this.set = uploadSet(task.train);
    this.sampler = studentSampler(seed, labelled, task.train.count);
    const set = this.set;
    const S = set.scored ? 1 : set.seqLen;
    this.cache = new TeacherCache(set.count, S, task.vocab.length, (rows) => {
      const ids = tf.tensor1d(rows, 'int32');
      const select = set.scored
        ? (tf.gather(set.scored.select, ids).reshape([rows.length, 1, set.seqLen]) as tf.Tensor3D)
        : undefined;
      return flatLogits(this.teacher.forward(tf.gather(set.inputs, ids), { select }).logits);
    });
    // Two groups: the projections get gradients only while β > 0, the student's weights always.
    this.studentOpt = new AdamW([this.student.variables(), this.projections], adam);
    this.baselineOpt = new AdamW(this.baseline.variables(), adam);
  }

  /**
   * Runs the frozen teacher over every training row not cached yet (steps do not need this: they
   * cache the rows of their batch as they go). Returns false when `stopped` turned true part way;
   * the rows done so far stay cached.
   */
  async cacheTeacher(opts: CacheOptions = {}): Promise<boolean> {
    return this.cache.fillAll(opts);
  }

  /** The raw teacher logits, (N, V) or (N*T, V); rows not cached yet are zeros. Owned by the cache. */
  get teacherLogits(): tf.Tensor2D {
    return this.cache.rawLogits;
  }

  /** The teacher's softmax at temperature T over the training set, rebuilt only when T changes. */
  private teacherAt(temperature: number): TeacherTargets {
    return this.cache.at(temperature);
  }

  /**
   * One update of student and baseline on one batch with the hyperparameters of this step.
   * Returns a kept (STEP_VALUES.length) tensor: the student's total and terms, then the baseline's loss.
   */
  step(h: Hyper, lr: number): tf.Tensor1D {
    const rows = this.nextRows(h.batchSize);
    return tf.tidy(() => {
      const b = gatherBatch(this.set, rows, tf.tensor1d(rows, 'int32'), { tokenMask: intermediate(h) });
      const report = this.updateStudent(b, h, lr); // (LOSS_TERMS.length), kept
      const baselineLoss = this.updateBaseline(b, lr);
      const values = tf.concat([report, baselineLoss.reshape([1])]) as tf.Tensor1D;
      report.dispose();
      return values;
    });
  }

  /**
   * Half of step() on a batch of its own: only the distilled student ('student', returns the
   * LOSS_TERMS values) or only the baseline ('baseline': a plain student-only step, α = 0 and no
   * teacher; returns its loss as (1)). For the benchmark, which compares the two side by side.
   */
  stepRole(role: 'student' | 'baseline', h: Hyper, lr: number): tf.Tensor1D {
    const rows = this.nextRows(h.batchSize);
    return tf.tidy(() => {
      const b = gatherBatch(this.set, rows, tf.tensor1d(rows, 'int32'), {
        tokenMask: role === 'student' && intermediate(h),
      });
      return role === 'student'
        ? this.updateStudent(b, h, lr)
        : (this.updateBaseline(b, lr).reshape([1]) as tf.Tensor1D);
    });
  }

  /** The optimizer state of 'student' (its weights, then the projections) or 'baseline'. */
  moments(role: 'student' | 'baseline'): { m: tf.Tensor1D; v: tf.Tensor1D }[] {
    return (role === 'student' ? this.studentOpt : this.baselineOpt).moments();
  }

  private nextRows(batchSize: number): Int32Array {
    this.lastRows = this.sampler.next(batchSize);
    this.cache.ensure(this.lastRows); // the teacher runs on the rows it has not seen yet, once
    return this.lastRows;
  }

  /** The batch's rows of a cached (N·S, K) tensor: S = 1 with a scored position per row, else T. */
  private cachedRows(t: tf.Tensor2D): tf.Tensor2D {
    const S = this.set.scored ? 1 : this.set.seqLen;
    const B = this.lastRows.length;
    const K = t.shape[1];
    const rows = tf.gather(t.reshape([this.set.count, S * K]), tf.tensor1d(this.lastRows, 'int32')); // (B, S*K)
    return rows.reshape([B * S, K]);
  }

  /**
   * One student update on batch b. Returns the (LOSS_TERMS.length) loss values as a kept tensor
   * (it is made inside the optimizer's own tidy): the caller disposes or returns it.
   */
  private updateStudent(b: Batch, h: Hyper, lr: number): tf.Tensor1D {
    const inter = intermediate(h);
    const objective = objectiveOf(h);
    const teacher = { ...this.teacherSide(h.temperature, objective), softMask: b.softMask, softCount: b.softCount };
    // Hidden states and attention maps of the frozen teacher, outside any gradient tape.
    const teacherOut = inter ? this.teacher.forward(b.inputs, { collect: true, select: b.select }) : null;
    let report: tf.Tensor1D | null = null;
    this.studentOpt.minimize(() => {
      const out = this.student.forward(b.inputs, { training: true, collect: inter, select: b.select });
      const { total, values } = stepLoss(
        {
          studentLogits: flatLogits(out.logits),
          targets: b.targets,
          hardMask: b.hardMask,
          hardCount: b.hardCount,
          teacher,
          intermediate: teacherOut
            ? {
                studentHidden: out.hidden!,
                teacherHidden: teacherOut.hidden!,
                studentAtt: out.attention!,
                teacherAtt: teacherOut.attention!,
                projections: this.projections as tf.Tensor2D[],
                tokenMask: b.tokenMask!,
              }
            : undefined,
        },
        h,
        objective,
      );
      report = tf.keep(values);
      return total;
    }, lr);
    return report!;
  }

  /**
   * The teacher's side of the soft term at the batch's rows (B·S, V): its softmax at T and the entropy
   * offsets from the cache; with a sparse teacher, that target cut to k tokens (top-k renormalised, or
   * k seeded draws as counts / k); and the raw logits where a divergence outside the fused
   * cross-entropy reads them (on the full teacher).
   */
  private teacherSide(temperature: number, o: Objective): Omit<NonNullable<StepLossInputs['teacher']>, 'softMask'> {
    if (o.sparse === 'full') {
      const cached = this.teacherAt(temperature);
      return {
        probs: this.cachedRows(cached.probs),
        offsets: this.cachedRows(cached.offsets),
        logits: fusedDivergence(o) ? undefined : this.cachedRows(this.cache.rawLogits),
      };
    }
    const logits = this.cachedRows(this.cache.rawLogits); // (B·S, V)
    const V = logits.shape[1];
    const k = Math.min(o.k, V);
    const probs =
      o.sparse === 'top-k'
        ? topKTargets(logits, temperature, k)
        : sampledTargets(logits, temperature, sparseUniforms(this.seed, this.lastRows, logits.shape[0], k)); // (B·S, V)
    const negEntropy = probs.mul(finiteLog(tf.log(probs))).sum(-1); // (B·S) Σ t·log t, 0·log 0 = 0
    const offsets = tf.stack([tf.zerosLike(negEntropy), negEntropy], 1) as tf.Tensor2D; // (B·S, 2)
    return { probs, offsets };
  }

  /** One baseline update on batch b: hard labels only. Returns the scalar loss. Inside tf.tidy. */
  private updateBaseline(b: Batch, lr: number): tf.Scalar {
    return this.baselineOpt.minimize(() => hardLoss(this.baseline, b), lr);
  }

  dispose(): void {
    this.student.dispose();
    this.baseline.dispose();
    this.projections.forEach((p) => p.dispose());
    disposeSet(this.set);
    this.studentOpt.dispose();
    this.baselineOpt.dispose();
    this.cache.dispose();
  }
}

/**
 * The uniforms of a sampled-k teacher for a batch's rows, (rows·S, k): each training row's draws come
 * from its own seeded stream, so a row is always given the same k samples (as if they had been drawn
 * once and stored, which is what sampled-k saves) on every backend and in every batch.
 */
export function sparseUniforms(seed: number, rows: Int32Array, positions: number, k: number): tf.Tensor2D {
  const perRow = positions / rows.length;
  const u = new Float32Array(positions * k);
  rows.forEach((r, i) => {
    const rng = mulberry32(deriveSeed(seed, `sparse-teacher:${r}`));
    for (let j = 0; j < perRow * k; j++) u[i * perRow * k + j] = rng();
  });
  return tf.tensor2d(u, [positions, k]);
}

function intermediate(h: Hyper): boolean {
  return h.beta > 0 || h.gamma > 0 || h.delta > 0;
}
