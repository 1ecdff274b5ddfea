// Memory of a sweep: K students trained as one stack (src/train/stackedStep.ts), estimated before
// anything is allocated, and the check that refuses a sweep that cannot fit. No tfjs. It extends
// src/memory.ts (a single run's estimate) and uses its measured per-step factors.
//
// What a sweep holds (float32 = 4 bytes; P_s, P_t the student's and teacher's parameter counts):
//  - parameters and optimiser: the frozen teacher (P_t); the stack's weights and AdamW's two
//    moments, 3·K·P_s, plus one decay mask of P_s (shared by the members); the feature projections
//    3·K·L_s·C_s·C_t;
//  - the student training split on the device (as one run);
//  - caches: the raw logits of each soft-target source in use (teacher, random teacher, permuted
//    teacher, uniform), rows·V each, and every member's target distribution at its T with its
//    offsets, K·(rows·V + 2·rows);
//  - on top, the largest transient: one step (K members' activations — they grow with K like the
//    arithmetic — the teacher's forward pass once when an intermediate term is on, the gathered
//    targets; or AdamW's update, UPDATE_FACTOR floats per stacked parameter), the members' target
//    table being rebuilt after a temperature changes, the cache being built (with the random
//    teacher's weights while its logits are cached), or an evaluation chunk through one member's
//    copy.
// Gradients are inside those transients: they exist during the step only.
//
// A member's step activations are the single run's (memory.ts trainActivations) times a factor
// measured on stacked steps (sentiment and grammar, student-s with teacher-s, K = 2 and 6, peak
// buffers by src/cli/memoryProbe.ts; the per-member slope between K = 2 and 6): on wasm, whose
// member matmuls are split into K products with an Unpack and a Pack around them (stackedOps.ts),
// 1.24–1.29× (STACK_ACT_SPLIT), plus 0.48–0.52× with the intermediate terms on (their per-member
// projections, attention differences and Gram matrices, STACK_INTER_SPLIT); with batched matmuls
// (cpu) 0.84× and 0.15× (STACK_ACT_BATCHED, STACK_INTER_BATCHED, rounded up).

import { parameterCount, resolveSize, type ModelConfig, type ModelSize, type SizeSpec } from './config';
import {
  fmtGiB,
  forwardActivations,
  MEMORY_CHUNK_ROWS,
  MEMORY_VAL_ROWS,
  splitBytes,
  TARGETS_REBUILD,
  trainActivations,
  UPDATE_FACTOR,
  type MemoryLimits,
  type TaskShape,
} from './memory';

const F32 = 4;

/** Per-member step activations relative to a single run's, with split (wasm) or batched member matmuls; see the header. */
export const STACK_ACT_SPLIT = 1.3;
export const STACK_INTER_SPLIT = 0.55;
export const STACK_ACT_BATCHED = 0.9;
export const STACK_INTER_BATCHED = 0.2;

export interface SweepShape {
  teacher: SizeSpec;
  student: SizeSpec;
  batchSize: number;
  /** Members K. */
  members: number;
  /** Distinct soft-target sources in use (1 … 4: teacher, random teacher, permuted, uniform). */
  sources: number;
  /** Some member has β, γ or δ > 0: the teacher runs forward every step. */
  intermediate: boolean;
  /** The member matmuls run as K products (tfjs-backend-wasm's default, stackedOps.ts) rather than one batched kernel. */
  splitMatMuls: boolean;
}

export interface SweepMemoryEstimate {
  /** Bytes held for the whole sweep, by kind. */
  held: { parameters: number; optimizer: number; data: number; caches: number };
  /** Bytes of the largest transient, and what it is. */
  transient: { bytes: number; what: string };
  /** Bytes of one step's activations (all members), for the report. */
  activations: number;
  /** held + transient. */
  peak: number;
}

function modelConfig(size: ModelSize, shape: TaskShape): ModelConfig {
  return { ...size, vocabSize: shape.vocabSize, blockSize: shape.seqLen, bias: false, dropout: 0 };
}

export function estimateSweepMemory(sweep: SweepShape, shape: TaskShape): SweepMemoryEstimate {
  const K = sweep.members;
  if (!(Number.isInteger(K) && K >= 1)) throw new Error(`a sweep needs a whole number of members ≥ 1 (got ${K})`);
  const t = resolveSize(sweep.teacher);
  const s = resolveSize(sweep.student);
  const B = sweep.batchSize;
  const V = shape.vocabSize;
  const T = shape.seqLen;
  const Pt = parameterCount(modelConfig(t, shape));
  const Ps = parameterCount(modelConfig(s, shape));
  const proj = s.nLayer * s.nEmbd * t.nEmbd;
  const rowsPerExample = shape.kind === 'classification' ? 1 : T;
  const cachedRows = shape.trainRows * rowsPerExample;
  const cacheFloats = cachedRows * V;

  const parameters = F32 * (Pt + K * (Ps + proj));
  const optimizer = F32 * (2 * K * (Ps + proj) + Ps);
  const data = splitBytes(shape.trainRows, shape);
  const caches = F32 * (sweep.sources * cacheFloats + K * (cacheFloats + 2 * cachedRows));

  const scored = B * rowsPerExample;
  // The members' activations, the targets gathered for the batch (K, N, 2, V) with their logs, the teacher once.
  const factor = sweep.splitMatMuls
    ? STACK_ACT_SPLIT + (sweep.intermediate ? STACK_INTER_SPLIT : 0)
    : STACK_ACT_BATCHED + (sweep.intermediate ? STACK_INTER_BATCHED : 0);
  const activations =
    F32 *
    (K * factor * trainActivations(s, B, shape) +
      4 * K * scored * V +
      (sweep.intermediate ? forwardActivations(t, B, shape, false) : 0));
  const valRows = Math.min(MEMORY_VAL_ROWS, shape.valRows);
  const candidates: [number, string][] = [
    [activations, `one step of ${K} members`],
    [F32 * UPDATE_FACTOR * K * (Ps + proj), `the AdamW update of ${K} members`],
    [F32 * (TARGETS_REBUILD + 1) * K * cacheFloats, "the members' targets rebuilt after a temperature change"],
    [
      F32 * (Pt + Math.max(cacheFloats + forwardActivations(t, MEMORY_CHUNK_ROWS, shape, false), 2 * cacheFloats)),
      "caching a teacher's outputs",
    ],
    [F32 * (Ps + forwardActivations(s, Math.min(MEMORY_CHUNK_ROWS, valRows), shape, true)), 'evaluating a member'],
  ];
  const [bytes, what] = candidates.reduce((a, b) => (b[0] > a[0] ? b : a));
  const heldTotal = parameters + optimizer + data + caches;
  return {
    held: { parameters, optimizer, data, caches },
    transient: { bytes, what },
    activations,
    peak: heldTotal + bytes,
  };
}

/** Why the sweep cannot fit, with the estimate and the limit; null when it fits. */
export function sweepMemoryProblem(
  estimate: SweepMemoryEstimate,
  limits: MemoryLimits,
  members: number,
): string | null {
  if (estimate.peak <= limits.totalBytes) return null;
  const h = estimate.held;
  return (
    `a sweep of ${members} students needs about ${fmtGiB(estimate.peak)} ` +
    `(parameters ${fmtGiB(h.parameters)}, optimizer ${fmtGiB(h.optimizer)}, caches ${fmtGiB(h.caches)}, data ${fmtGiB(h.data)}, ` +
    `and at its peak ${estimate.transient.what}: ${fmtGiB(estimate.transient.bytes)}); ${limits.totalWhy}: ` +
    'sweep fewer members, or choose a smaller student, batch size or training set'
  );
}

export class SweepMemoryError extends Error {
  override name = 'SweepMemoryError';
}

/** Throws SweepMemoryError (estimate and limit in the message) when the sweep cannot fit; else returns the estimate. */
export function checkSweepMemory(sweep: SweepShape, shape: TaskShape, limits: MemoryLimits): SweepMemoryEstimate {
  const e = estimateSweepMemory(sweep, shape);
  const problem = sweepMemoryProblem(e, limits, sweep.members);
  if (problem) throw new SweepMemoryError(problem);
  return e;
}

/** The most members (up to `max`) whose sweep fits the limits; 0 when not even one does. */
export function maxSweepMembers(
  sweep: Omit<SweepShape, 'members'>,
  shape: TaskShape,
  limits: MemoryLimits,
  max = 1024,
): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateSweepMemory({ ...sweep, members: mid }, shape).peak <= limits.totalBytes) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
