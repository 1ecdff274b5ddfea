// How much memory a run needs, estimated before anything is allocated, and the check that refuses a
// run that cannot fit the backend (the wasm backend's 4 GiB address space ends in `Aborted()` deep
// into a run; a GPU may lose its device). No tfjs here: the CLI and the worker call it before they
// build a model, and tests pin it against hand-computed sizes.
//
// What a run holds (float32 = 4 bytes; P = a model's parameter count, see parameterCount):
//  - teacher phase: the teacher's weights, AdamW's two moments and its weight-decay mask (4 P), and
//    the teacher's training split on the device;
//  - distillation: the frozen teacher (P_t), student and baseline with their optimizer state
//    (4 P_s each), the feature projections (3 × layers × C_s × C_t), the student's training split,
//    and the cached teacher logits and their softmax at T: rows × scored positions × vocab, twice;
//  - on top, the largest transient of the phase: one training step (its activations, or the AdamW
//    update, whichever is larger), an evaluation chunk (128 rows through the largest model), the
//    teacher cache being built, or the teacher's softmax rebuilt when T changes.
//
// The per-step factors are measured, not guessed: counting the tensors a step keeps alive (tfjs
// frees a tidy's tensors only when the tidy ends) gave the terms, and peaks measured on the wasm
// backend (npx tsx src/cli/memory.ts; 1-, 2-, 4-layer models, widths 32 to 512, 1 to 16 heads,
// batches 1 to 256) gave the factors: per layer a training step holds about ACT_PER_LAYER
// (B·T·C)-sized tensors (the forward pass's LayerNorms, QKV, heads, the 4C-wide MLP with the exact
// GELU's temporaries, and the backward pass's gradients, all alive until the step's tidy ends) and
// ATT_PER_LAYER attention maps (B·nh·T·T); a forward pass without gradients FWD_ACT_PER_LAYER and
// FWD_ATT_PER_LAYER; the AdamW update of a P-parameter model holds UPDATE_FACTOR·P floats at its
// peak (flat gradient, clipped copy, new moments, the update's intermediates, the new weights),
// 20.0 P to three decimals in every measurement. The estimate came out 0.99–1.09× the measured
// buffers phase by phase (README, "Memory").

import { parameterCount, resolveSize, type ModelConfig, type ModelSize, type RunConfig } from './config';
import type { Task } from './data/task';

export const GiB = 1024 ** 3;
const F32 = 4;

/** As src/train: validation rows (run.ts VAL_ROWS); rows per evaluation chunk (evaluate.ts) and caching chunk (steps.ts). */
export const MEMORY_VAL_ROWS = 512;
export const MEMORY_CHUNK_ROWS = 128;

/** (B·T·C)-sized tensors alive per layer at the peak of a training step (forward kept + backward). */
export const ACT_PER_LAYER = 110;
/** (B·nh·T·T)-sized attention tensors alive per layer at the peak of a training step. */
export const ATT_PER_LAYER = 8;
/** The same two for a forward pass without gradients (evaluation, caching): all alive until its tidy ends. */
export const FWD_ACT_PER_LAYER = 26;
export const FWD_ATT_PER_LAYER = 3;
/** (rows·V)-sized tensors of the embedding one-hot (int32, then float32) and of the head and losses. */
const EMBED_PER_ROW = 2;
const HEAD_PER_ROW = 24;
/** (B·T·C)-sized tensors outside the layers: embeddings, final LayerNorm (a step; a forward pass). */
const OUTER_TRAIN = 4;
const OUTER_FORWARD = 16;
/** Floats per parameter alive at the peak of one AdamW update (beyond weights, moments and mask). */
export const UPDATE_FACTOR = 20;
/** Softmax-at-T rebuild of the teacher cache: temporaries alive besides the logits, per cached value. */
export const TARGETS_REBUILD = 5;

/** What the estimate needs to know about a task (see taskShape). */
export interface TaskShape {
  vocabSize: number;
  seqLen: number;
  /** Classification scores one position per row: caches and heads hold one row of logits per example. */
  kind: 'classification' | 'generation';
  teacherRows: number;
  trainRows: number;
  valRows: number;
  testRows: number;
}

export function taskShape(
  task: Pick<Task, 'vocab' | 'seqLen' | 'kind' | 'teacherTrain' | 'train' | 'val' | 'test'>,
): TaskShape {
  return {
    vocabSize: task.vocab.length,
    seqLen: task.seqLen,
    kind: task.kind,
    teacherRows: task.teacherTrain.count,
    trainRows: task.train.count,
    valRows: task.val.count,
    testRows: task.test.count,
  };
}

export interface MemoryEstimate {
  /** Peak bytes of each part of the run; teacher is null when the teacher is loaded, not trained. */
  phases: { teacher: number | null; caching: number; distill: number; test: number };
  /** The run's peak: the largest phase. */
  peak: number;
  peakPhase: 'teacher' | 'caching' | 'distill' | 'test';
  /** The largest single tensor of the run, for backends that limit one buffer (WebGPU). */
  largestTensor: { bytes: number; what: string };
}

function modelConfig(size: ModelSize, shape: TaskShape): ModelConfig {
  return { ...size, vocabSize: shape.vocabSize, blockSize: shape.seqLen, bias: false, dropout: 0 };
}

/** Bytes of a task split on the device: inputs, targets, three masks; for classification the scored position too. */
export function splitBytes(rows: number, shape: TaskShape): number {
  const T = shape.seqLen;
  return F32 * rows * (5 * T + (shape.kind === 'classification' ? T + 3 : 0));
}

/** Floats alive at the peak of a training step's forward and backward pass on `rows` sequences. */
export function trainActivations(size: ModelSize, rows: number, shape: TaskShape): number {
  const T = shape.seqLen;
  const n = rows * T;
  const scored = shape.kind === 'classification' ? rows : n;
  const perLayer = ACT_PER_LAYER * n * size.nEmbd + ATT_PER_LAYER * rows * size.nHead * T * T;
  return (
    size.nLayer * perLayer +
    EMBED_PER_ROW * n * shape.vocabSize +
    HEAD_PER_ROW * scored * shape.vocabSize +
    OUTER_TRAIN * n * size.nEmbd
  );
}

/** Floats alive at the peak of a forward pass without gradients (evaluation, caching, a frozen teacher). */
export function forwardActivations(size: ModelSize, rows: number, shape: TaskShape, allLogits: boolean): number {
  const T = shape.seqLen;
  const n = rows * T;
  const logitRows = allLogits || shape.kind === 'generation' ? n : rows;
  const perLayer = FWD_ACT_PER_LAYER * n * size.nEmbd + FWD_ATT_PER_LAYER * rows * size.nHead * T * T;
  return (
    size.nLayer * perLayer +
    EMBED_PER_ROW * n * shape.vocabSize +
    5 * logitRows * shape.vocabSize +
    OUTER_FORWARD * n * size.nEmbd
  );
}

/**
 * Estimated peak memory of a run (bytes), by phase. `trainTeacher`: the run trains its teacher
 * (config.teacherSteps > 0) rather than loading one of config.teacher's size.
 */
export function estimateMemory(
  config: RunConfig,
  shape: TaskShape,
  trainTeacher = config.teacherSteps > 0,
): MemoryEstimate {
  const t = resolveSize(config.teacher);
  const s = resolveSize(config.student);
  const B = config.hyper.batchSize;
  const V = shape.vocabSize;
  const T = shape.seqLen;
  const Pt = parameterCount(modelConfig(t, shape));
  const Ps = parameterCount(modelConfig(s, shape));
  const proj = s.nLayer * s.nEmbd * t.nEmbd;
  const intermediate = config.hyper.beta > 0 || config.hyper.gamma > 0 || config.hyper.delta > 0;
  const valRows = Math.min(MEMORY_VAL_ROWS, shape.valRows);
  const evalRows = (rows: number) => Math.min(MEMORY_CHUNK_ROWS, rows);
  /** Cached teacher outputs: one row of V logits per example (classification) or per position. */
  const cachedRows = shape.trainRows * (shape.kind === 'classification' ? 1 : T);
  const cacheFloats = cachedRows * V;

  // Teacher phase: teacher + AdamW state + its split; then a step, an update or a validation chunk.
  let teacher: number | null = null;
  if (trainTeacher) {
    const held = 4 * Pt * F32 + splitBytes(shape.teacherRows, shape);
    const step = Math.max(trainActivations(t, B, shape), UPDATE_FACTOR * Pt);
    const evaluation = forwardActivations(t, evalRows(valRows), shape, true);
    teacher = held + F32 * Math.max(step, evaluation);
  }

  // Distillation: frozen teacher, student and baseline with their state, projections, the split.
  const models = (Pt + 8 * Ps + 3 * proj) * F32 + splitBytes(shape.trainRows, shape);
  const cacheChunk = forwardActivations(t, MEMORY_CHUNK_ROWS, shape, false);
  // Building the cache: the chunks so far, then their concatenation (both at once for a moment).
  const caching = models + F32 * Math.max(cacheFloats + cacheChunk, 2 * cacheFloats);
  const cacheHeld = F32 * (2 * cacheFloats + 2 * cachedRows);
  const studentStep =
    trainActivations(s, B, shape) +
    (intermediate ? forwardActivations(t, B, shape, false) : 0) +
    2 * B * (shape.kind === 'classification' ? 1 : T) * V;
  const distillStep = Math.max(studentStep, UPDATE_FACTOR * (Ps + proj), TARGETS_REBUILD * cacheFloats);
  const validation = Math.max(
    forwardActivations(t, evalRows(valRows), shape, true),
    forwardActivations(s, evalRows(valRows), shape, true),
  );
  const distill = models + cacheHeld + F32 * Math.max(distillStep, validation);
  const test =
    models +
    cacheHeld +
    F32 *
      Math.max(
        forwardActivations(t, evalRows(shape.testRows), shape, true),
        forwardActivations(s, evalRows(shape.testRows), shape, true),
      );

  const phases = { teacher, caching, distill, test };
  let peakPhase: MemoryEstimate['peakPhase'] = 'caching';
  for (const k of ['teacher', 'distill', 'test'] as const) if ((phases[k] ?? 0) > phases[peakPhase]!) peakPhase = k;

  // Largest single tensors: a flat AdamW vector (the optimizer concatenates a model's parameters),
  // the cached teacher logits, an attention map or MLP activation of one chunk.
  const candidates: [number, string][] = [
    [
      (trainTeacher ? Pt : Ps + proj) * F32,
      trainTeacher
        ? "the teacher's parameters as one flat vector (AdamW)"
        : "the student's parameters as one flat vector (AdamW)",
    ],
    [cacheFloats * F32, 'the cached teacher logits'],
    [MEMORY_CHUNK_ROWS * T * V * F32, 'the logits of one evaluation chunk'],
    [Math.max(B, MEMORY_CHUNK_ROWS) * t.nHead * T * T * F32, "one layer's attention maps"],
    [Math.max(B, MEMORY_CHUNK_ROWS) * T * 4 * t.nEmbd * F32, "one layer's MLP activations"],
  ];
  const [bytes, what] = candidates.reduce((a, b) => (b[0] > a[0] ? b : a));
  return { phases, peak: phases[peakPhase]!, peakPhase, largestTensor: { bytes, what } };
}

/** What a backend can hold: a total budget and, where the backend has one, a limit per tensor. */
export interface MemoryLimits {
  backend: string;
  /** Bytes the run's tensors may take in all. */
  totalBytes: number;
  /** Words for the message: why that total. */
  totalWhy: string;
  /** Largest single tensor (buffer) in bytes, where the backend limits it. */
  maxTensorBytes?: number;
  maxTensorWhy?: string;
}

/**
 * Budgets per backend (documented in the README):
 *  - wasm: a 32-bit address space, 4 GiB. Measured (npx tsx src/cli/memory.ts), the heap's
 *    high-water mark is 1.2–1.5× the tensors' peak (allocator fragmentation and growth steps), and a
 *    12x16x512 teacher with 3.4 GiB of tensors aborts at batch 32: 3 GiB for tensors;
 *  - cpu: tensors are JavaScript typed arrays; a browser tab gets a few GiB: 3 GiB, and 2 GiB per
 *    tensor (Node: the caller passes a budget from os.totalmem());
 *  - webgl: textures in GPU memory the browser does not report: 2 GiB;
 *  - webgpu: the adapter's maxStorageBufferBindingSize / maxBufferSize for one tensor, and a total
 *    of 4 GiB (GPU memory is not reported either; a lost device is what follows an overrun).
 */
export function memoryLimits(
  backend: string,
  gpu?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number },
  totalBytes?: number,
): MemoryLimits {
  switch (backend) {
    case 'wasm':
      return {
        backend,
        totalBytes: totalBytes ?? 3 * GiB,
        totalWhy: `the wasm backend can address 4 GiB, about ${fmtGiB(totalBytes ?? 3 * GiB)} of it for tensors (its heap grows to 1.2–1.5× what the tensors hold)`,
      };
    case 'cpu':
      return {
        backend,
        totalBytes: totalBytes ?? 3 * GiB,
        totalWhy: `the cpu backend's budget is ${fmtGiB(totalBytes ?? 3 * GiB)} (tensors are JavaScript typed arrays)`,
        maxTensorBytes: 2 * GiB,
        maxTensorWhy: 'a JavaScript typed array holds at most 2 GiB in some browsers',
      };
    case 'webgl':
      return {
        backend,
        totalBytes: totalBytes ?? 2 * GiB,
        totalWhy: "the webgl backend's budget is 2 GiB of GPU textures (browsers do not report GPU memory)",
      };
    case 'webgpu': {
      const limits = [gpu?.maxStorageBufferBindingSize, gpu?.maxBufferSize].filter(
        (x): x is number => typeof x === 'number' && x > 0,
      );
      const max = limits.length ? Math.min(...limits) : undefined;
      return {
        backend,
        totalBytes: totalBytes ?? 4 * GiB,
        totalWhy: `the webgpu backend's budget is ${fmtGiB(totalBytes ?? 4 * GiB)} (browsers do not report GPU memory)`,
        ...(max !== undefined
          ? {
              maxTensorBytes: max,
              maxTensorWhy: `this GPU binds at most ${fmtGiB(max)} per buffer (maxStorageBufferBindingSize / maxBufferSize)`,
            }
          : {}),
      };
    }
    default:
      return {
        backend,
        totalBytes: totalBytes ?? 2 * GiB,
        totalWhy: `the ${backend} backend's budget is ${fmtGiB(totalBytes ?? 2 * GiB)}`,
      };
  }
}

export function fmtGiB(bytes: number): string {
  const g = bytes / GiB;
  if (g >= 0.95) return `${g >= 10 ? g.toFixed(0) : g.toFixed(1).replace(/\.0$/, '')} GiB`;
  return `${Math.max(1, Math.round(bytes / 1024 ** 2))} MiB`;
}

const PHASE_WORDS: Record<MemoryEstimate['peakPhase'], string> = {
  teacher: 'training the teacher',
  caching: "caching the teacher's outputs",
  distill: 'distilling',
  test: 'testing',
};

/** Why the run cannot fit, as a sentence; null when it fits. */
export function memoryProblem(estimate: MemoryEstimate, limits: MemoryLimits): string | null {
  if (estimate.peak > limits.totalBytes) {
    return (
      `this config needs about ${fmtGiB(estimate.peak)} (at its peak, ${PHASE_WORDS[estimate.peakPhase]}); ${limits.totalWhy}: ` +
      'choose a smaller teacher or student, a smaller batch size, or fewer examples'
    );
  }
  if (limits.maxTensorBytes !== undefined && estimate.largestTensor.bytes > limits.maxTensorBytes) {
    return `this config needs one tensor of about ${fmtGiB(estimate.largestTensor.bytes)} (${estimate.largestTensor.what}); ${limits.maxTensorWhy}: choose a smaller model or fewer examples`;
  }
  return null;
}
