// A run as a PyTorch project: the same distillation, written out so that
//
//   python kd_train.py run.json                          (CPU or one GPU)
//   torchrun --nproc_per_node=8 kd_train.py run.json     (DistributedDataParallel)
//
// replays it. Where the TS core's semantics rest on its own RNG or on steering, the export carries
// the values instead of asking Python to re-derive them: the initial student (= baseline) weights
// and feature projections, the training rows with their targets and masks, the row indices of
// every batch in order, the hyperparameters of every step (slider moves included), the layer map.
// The teacher is frozen: its weights travel, and kd_train.py recomputes its logits.
//
// Files (paths relative to the folder):
//   kd_train.py, nanogpt.py          the script, and nanoGPT's GPT it trains (src/export/python/)
//   run.json                         config, schedule, optimiser, evaluation, the files below
//   data.safetensors                 train.* (every row), val.* (the rows validation scores), test.*,
//                                    batch_rows (Σ batch sizes, int32) and batch_sizes (steps, int32)
//   teacher/                         model.safetensors + config.json (nanoGPT format)
//   init/student/                    the initial student; the baseline starts from the same weights
//   init/projections.safetensors     projections.<i>: (Cs, Ct), the feature term's maps at step 0
//   README.md                        the commands
//
// No fs and no DOM here: the CLI writes the files to a folder, the worker zips them.

import { resolveSize, type Hyper, type RunConfig } from '../config';
import type { SequenceSet, Task } from '../data/task';
import { mapLayer } from '../distill/losses';
import { exportModel, type ExportedModel } from '../model/export';
import { GPT } from '../model/gpt';
import { encodeSafetensors, type TensorEntry } from '../model/safetensors';
import { deriveSeed } from '../rng';
import { DEFAULT_ADAMW } from '../train/adamw';
import type { HyperRecord } from '../report';
import { VAL_ROWS, type DistillationRun } from '../train/run';
import { initialProjection, modelConfigFor, studentSampler } from '../train/steps';
import { appliedHyper, modelExtra, ROLE_HYPER_KEYS, taskExtra, type ModelRole } from '../train/taskExtra';
import { describeObjective, objectiveOf } from '../objective';

export const KD_SCRIPT_FORMAT = 'distillation-playground/kd-script';
export const KD_SCRIPT_VERSION = 1;

/** The two Python sources, as text (the CLI reads them from disk, the worker imports them with ?raw). */
export interface KdScriptSources {
  kdTrain: string;
  nanogpt: string;
}

export interface KdScriptFile {
  /** Relative path inside the folder, '/'-separated. */
  path: string;
  data: Uint8Array;
}

/** Rows of batches past this are refused: 4 bytes each, 256 MB. */
export const MAX_BATCH_ROWS = 64 * 1024 * 1024;

export class KdScriptError extends Error {
  override name = 'KdScriptError';
}

/**
 * The distillation phase's hyperparameters for steps 1…config.steps, as a list of changes: what the
 * run applied to the steps it has taken (its hyperHistory), then `current` from the next step on.
 */
export function distillPlan(run: DistillationRun, current: Hyper): HyperRecord[] {
  const done = run.hyperHistory.filter((r) => r.phase === 'distill' && r.step <= run.distillStep);
  const plan = done.map((r) => ({ ...r, hyper: { ...r.hyper } }));
  const next = run.distillStep + 1;
  const last = plan[plan.length - 1];
  if (
    next <= run.config.steps &&
    (!last || (Object.keys(current) as (keyof Hyper)[]).some((k) => current[k] !== last.hyper[k]))
  ) {
    plan.push({ phase: 'distill', step: next, hyper: { ...current } });
  }
  return plan;
}

/** Per step (0-based), the batch size the plan gives it. */
function batchSizes(plan: readonly HyperRecord[], steps: number): Int32Array {
  const sizes = new Int32Array(steps);
  let j = 0;
  for (let s = 1; s <= steps; s++) {
    while (j + 1 < plan.length && plan[j + 1].step <= s) j++;
    sizes[s - 1] = plan[j].hyper.batchSize;
  }
  return sizes;
}

/** A split's arrays as safetensors entries under `prefix.` (the first `rows` rows). */
function splitEntries(prefix: string, s: SequenceSet, rows = s.count): [string, TensorEntry][] {
  const n = Math.min(rows, s.count);
  const T = s.seqLen;
  const shape = [n, T];
  const cut = <A extends Int32Array | Float32Array>(a: A) => a.slice(0, n * T) as A;
  return [
    [`${prefix}.inputs`, { dtype: 'I32', shape, data: cut(s.inputs) }],
    [`${prefix}.targets`, { dtype: 'I32', shape, data: cut(s.targets) }],
    [`${prefix}.hard_mask`, { dtype: 'F32', shape, data: cut(s.hardMask) }],
    [`${prefix}.soft_mask`, { dtype: 'F32', shape, data: cut(s.softMask) }],
    [`${prefix}.token_mask`, { dtype: 'F32', shape, data: cut(s.tokenMask) }],
  ];
}

const enc = new TextEncoder();
const text = (path: string, s: string): KdScriptFile => ({ path, data: enc.encode(s) });

function modelFiles(dir: string, m: ExportedModel): KdScriptFile[] {
  return [{ path: `${dir}/model.safetensors`, data: m.safetensors }, text(`${dir}/config.json`, m.configJson)];
}

/** config.json extras of the student or baseline the script will write: as the app's, for the planned run. */
function plannedExtra(
  task: Task,
  config: RunConfig,
  plan: readonly HyperRecord[],
  role: ModelRole,
): Record<string, unknown> {
  const { final, schedule } = appliedHyper(plan, 'distill', ROLE_HYPER_KEYS[role], config.steps);
  return {
    ...taskExtra(task),
    role,
    seed: config.seed,
    training: {
      phase: 'distill',
      steps: config.steps,
      hyper: final,
      schedule,
      warmup_steps: config.warmupSteps,
      weight_decay: config.weightDecay,
      clip_norm: config.clipNorm,
      labelled: config.labelled,
      transfer: config.transfer,
    },
  };
}

function readme(task: Task, config: RunConfig): string {
  return `# ${task.id}: the Distillation Playground run as a PyTorch script

Seed ${config.seed}, student ${config.student}, ${config.steps} distillation steps. Needs Python 3 and PyTorch ≥ 1.13, nothing else.

    python kd_train.py run.json                            # CPU, or the GPU when there is one
    torchrun --nproc_per_node=8 kd_train.py run.json       # 8 GPUs (or CPU processes): DistributedDataParallel

It writes out/curves.csv (the app's curves CSV), out/metrics.csv, out/summary.json, and out/student/
and out/baseline/ as model.safetensors + config.json, which the app and the CLI import back
(\`npm run --silent predict -- --model out/student --text "…"\`). \`python kd_train.py --help\` lists the options.

Debian's PyTorch 1.13 on Python 3.11 only: its torchrun needs \`--redirects 1 --tee 1\` to start.
`;
}

export interface KdScriptOptions {
  /** The hyperparameters of every step (distillPlan); default: the config's hyper throughout. */
  plan?: HyperRecord[];
  /** Who exported ('cli' or 'app') and on which backend: recorded in run.json. */
  exportedBy?: { source: string; backend?: string };
}

/**
 * The folder's files for a run whose teacher is final (shipped, loaded, or trained by the run's
 * teacher phase): the distillation phase as the TS core runs it, from its first step.
 */
export async function buildKdScript(
  run: DistillationRun,
  sources: KdScriptSources,
  opts: KdScriptOptions = {},
): Promise<KdScriptFile[]> {
  const { task, config, teacher } = run;
  const steps = config.steps;
  const plan: HyperRecord[] = opts.plan ?? [{ phase: 'distill', step: 1, hyper: { ...config.hyper } }];
  if (!plan.length || plan[0].step !== 1) throw new KdScriptError('the hyperparameter plan must start at step 1');
  // kd_train.py replays every objective choice but sampled-k, whose draws come from the TS core's RNG.
  const sampled = plan.find((r) => objectiveOf(r.hyper).sparse === 'sampled-k');
  if (sampled) {
    throw new KdScriptError(
      `the PyTorch script cannot replay a sampled-k teacher (step ${sampled.step}: ${describeObjective(objectiveOf(sampled.hyper))}): its draws come from the TS core's own random streams. Use the full or a top-k teacher to export`,
    );
  }
  const sizes = batchSizes(plan, steps);
  const totalRows = sizes.reduce((a, b) => a + b, 0);
  if (totalRows > MAX_BATCH_ROWS) {
    throw new KdScriptError(
      `${steps} steps of these batch sizes are ${totalRows} batch rows, more than the ${MAX_BATCH_ROWS} an export holds (4 bytes each): use fewer steps`,
    );
  }

  // The batches, in order: the same sampler, seed and batch sizes as DistillStep.
  const rows = new Int32Array(totalRows);
  const sampler = studentSampler(config.seed, config.labelled, task.train.count);
  let offset = 0;
  for (const b of sizes) {
    rows.set(sampler.next(b), offset);
    offset += b;
  }

  const data = new Map<string, TensorEntry>([
    ...splitEntries('train', task.train),
    ...splitEntries('val', task.val, VAL_ROWS),
    ...splitEntries('test', task.test),
    ['batch_rows', { dtype: 'I32', shape: [totalRows], data: rows }],
    ['batch_sizes', { dtype: 'I32', shape: [steps], data: sizes }],
  ]);

  // Initial weights: the student and the baseline start from the same seed; the projections as DistillStep makes them.
  const size = resolveSize(config.student);
  const studentConfig = modelConfigFor(size, task);
  const init = GPT.init(studentConfig, deriveSeed(config.seed, 'init:student'));
  let initFiles: ExportedModel;
  try {
    initFiles = await exportModel(init, task.vocab, { ...taskExtra(task), role: 'init', seed: config.seed });
  } finally {
    init.dispose();
  }
  const cs = size.nEmbd;
  const ct = teacher.config.nEmbd;
  const projections = new Map<string, TensorEntry>();
  for (let i = 0; i < size.nLayer; i++) {
    projections.set(`projections.${i}`, {
      dtype: 'F32',
      shape: [cs, ct],
      data: initialProjection(config.seed, i, cs, ct),
    });
  }

  const runJson = {
    format: KD_SCRIPT_FORMAT,
    version: KD_SCRIPT_VERSION,
    config,
    seed: config.seed,
    task: {
      id: task.id,
      kind: task.kind,
      vocab_size: task.vocab.length,
      seq_len: task.seqLen,
      classes: task.classes?.map((c) => c.name) ?? null,
      class_token_ids: task.classes?.map((c) => c.tokenId) ?? null,
    },
    steps,
    // From `step` (1-based) on, these values; lr is the peak of the schedule below.
    schedule: plan.map((r) => {
      const o = objectiveOf(r.hyper);
      return {
        step: r.step,
        temperature: r.hyper.temperature,
        alpha: r.hyper.alpha,
        beta: r.hyper.beta,
        gamma: r.hyper.gamma,
        delta: r.hyper.delta,
        lr: r.hyper.lr,
        batch_size: r.hyper.batchSize,
        // the objective's choices (src/objective.ts), by name
        divergence: o.divergence,
        jsd_beta: o.jsdBeta,
        t_squared: o.scaleByTSquared,
        label_smoothing: o.labelSmoothing,
        sparse_teacher: o.sparse,
        teacher_k: o.k,
      };
    }),
    lr_schedule: { kind: 'warmup-cosine', warmup_steps: config.warmupSteps, total_steps: steps, min_lr_ratio: 0.1 },
    adamw: {
      beta1: DEFAULT_ADAMW.beta1,
      beta2: DEFAULT_ADAMW.beta2,
      eps: DEFAULT_ADAMW.epsilon,
      weight_decay: config.weightDecay,
      clip_norm: config.clipNorm,
    },
    eval: { every: config.evalEvery, patience: config.patience, val_rows: Math.min(VAL_ROWS, task.val.count) },
    layer_map: Array.from({ length: size.nLayer }, (_, i) => mapLayer(i, size.nLayer, teacher.config.nLayer)),
    files: {
      data: 'data.safetensors',
      teacher: 'teacher',
      student_init: 'init/student',
      baseline_init: 'init/student',
      projections: 'init/projections.safetensors',
    },
    model_extra: {
      student: plannedExtra(task, config, plan, 'student'),
      baseline: plannedExtra(task, config, plan, 'baseline'),
    },
    teacher_source: config.teacherSteps > 0 ? 'trained' : 'loaded',
    exported_by: opts.exportedBy ?? { source: 'unknown' },
  };

  return [
    text('kd_train.py', sources.kdTrain),
    text('nanogpt.py', sources.nanogpt),
    text('README.md', readme(task, config)),
    text('run.json', JSON.stringify(runJson, null, 2) + '\n'),
    { path: 'data.safetensors', data: encodeSafetensors(data, { format: KD_SCRIPT_FORMAT }) },
    ...modelFiles('teacher', await exportModel(teacher, task.vocab, modelExtra(run, 'teacher'))),
    ...modelFiles('init/student', initFiles),
    { path: 'init/projections.safetensors', data: encodeSafetensors(projections, { format: 'pt' }) },
  ];
}
