// The complete state of a DistillationRun between two steps, and putting it back, so that a run
// resumed from a checkpoint continues bit for bit as if it had never stopped (checkpoint.test.ts).
//
// Saved: the effective config, the teacher's weights, in the distillation phase the student's,
// the baseline's and the feature projections, every AdamW's moments and step counter, the phase's
// batch-order generator, the step counters, the live hyperparameters and their history, and the
// early-stopping state (scores, steps, kept weights). Not saved, because they are recomputed to the
// same bits from the (saved) frozen teacher: its cached outputs over the training set
// (teacherCache.ts fills rows again as batches need them) and its validation outputs.
//
// A checkpoint is taken between steps only (the worker takes it at the step gate, RunControl's
// beforeStep): mid-evaluation the early-stopping state would be half updated.

import * as tf from '@tensorflow/tfjs';
import type { Hyper, ModelConfig, RunConfig } from '../config';
import type { SequenceSet, Task } from '../data/task';
import { GPT } from '../model/gpt';
import type { HyperRecord, TrainPhase } from '../report';
import type { AdamW } from './adamw';
import { crc32, decodeCheckpoint, encodeCheckpoint } from './checkpointCodec';
import { STUDENT_ROLES, type EarlyStopping, type EarlyStoppingState, type StudentRole } from './earlyStopping';
import type { DistillationRun } from './run';
import type { DistillStep, TeacherStep } from './steps';

/** What a checkpoint was trained on: a resume on other data is refused (see checkpointProblem). */
export interface TaskFingerprint {
  id: string;
  vocab: number;
  seqLen: number;
  /** CRC32 over the vocabulary and the inputs and targets of the teacher, training and validation splits. */
  data: number;
}

export interface CheckpointMeta {
  task: TaskFingerprint;
  /** The config the run actually uses (teacherSteps filled in when a teacher had to be trained). */
  config: RunConfig;
  /** The phase whose loop was running, and the steps taken in each phase. */
  phase: TrainPhase;
  taken: Record<TrainPhase, number>;
  /** The hyperparameters in force for the next step (they can differ from the last step's). */
  hyper: Hyper;
  hyperHistory: HyperRecord[];
  teacherConfig: ModelConfig;
  /** The running phase's batch-order generator state. */
  sampler: number;
  /** Each optimizer of the phase: its step counter and number of moment groups. */
  optimizers: Record<string, { steps: number; groups: number }>;
  /** Distillation only: early stopping's scores and steps (its kept weights are payloads). */
  early: EarlyStoppingState | null;
  /** Each payload's shape, by name. */
  shapes: Record<string, number[]>;
}

export interface RunCheckpoint {
  meta: CheckpointMeta;
  /** Float32 payloads by name: "teacher/<parameter>", "student/…", "opt.student/0/m", "early.student/3", … */
  tensors: Map<string, Float32Array>;
}

/**
 * Fingerprints by task: a task's data is built once and never changes, and a run checkpoints every
 * CHECKPOINT_EVERY steps, so the CRC32 over its splits is computed once per task, not per checkpoint.
 */
const fingerprints = new WeakMap<Task, TaskFingerprint>();

export function taskFingerprint(task: Task): TaskFingerprint {
  let fingerprint = fingerprints.get(task);
  if (!fingerprint) fingerprints.set(task, (fingerprint = computeFingerprint(task)));
  return { ...fingerprint };
}

function computeFingerprint(task: Task): TaskFingerprint {
  // The vocabulary too: two uploads can tokenise to the same ids from different words.
  let data = crc32(new TextEncoder().encode(JSON.stringify(task.vocab)));
  const add = (s: SequenceSet) => {
    data = crc32(new Uint8Array(s.inputs.buffer, s.inputs.byteOffset, s.inputs.byteLength), data);
    data = crc32(new Uint8Array(s.targets.buffer, s.targets.byteOffset, s.targets.byteLength), data);
  };
  [task.teacherTrain, task.train, task.val].forEach(add);
  return { id: task.id, vocab: task.vocab.length, seqLen: task.seqLen, data };
}

/** Why `checkpoint` cannot resume on `task` (a sentence), or null when it can. */
export function checkpointProblem(checkpoint: RunCheckpoint, task: Task): string | null {
  const saved = checkpoint.meta.task;
  const now = taskFingerprint(task);
  if (saved.id !== now.id) return `the checkpoint is of a run on the task "${saved.id}", not "${now.id}"`;
  if (saved.vocab !== now.vocab || saved.seqLen !== now.seqLen || saved.data !== now.data)
    return `the checkpoint was trained on other data for "${saved.id}" (a different upload or labelled/transfer split)`;
  return null;
}

/** A first non-finite payload value, as "<payload> [index]", or null when every value is finite. */
export function firstNonFinite(checkpoint: RunCheckpoint): string | null {
  for (const [name, data] of checkpoint.tensors) {
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return `${name} [${i}] = ${data[i]}`;
  }
  return null;
}

/** The named tensors a checkpoint of `run` holds now, and the JSON part of its metadata. */
function collect(run: DistillationRun): { named: [string, tf.Tensor][]; meta: Partial<CheckpointMeta> } {
  const named: [string, tf.Tensor][] = [];
  const addModel = (prefix: string, model: GPT) =>
    model.params.forEach((v, name) => named.push([`${prefix}/${name}`, v]));
  const optimizers: CheckpointMeta['optimizers'] = {};
  const addOptimizer = (name: string, opt: AdamW) => {
    const groups = opt.moments();
    groups.forEach(({ m, v }, g) => named.push([`opt.${name}/${g}/m`, m], [`opt.${name}/${g}/v`, v]));
    optimizers[name] = { steps: opt.stepCount, groups: groups.length };
  };
  addModel('teacher', run.teacher);
  if (run.phase === 'teacher') {
    const trainer = run.teacherTrainer!;
    addOptimizer('teacher', trainer.opt);
    return { named, meta: { optimizers, sampler: trainer.sampler.state, early: null } };
  }
  const d = run.distiller!;
  const early = run.early!;
  addModel('student', d.student);
  addModel('baseline', d.baseline);
  d.projections.forEach((p, i) => named.push([`projection/${i}`, p]));
  addOptimizer('student', d.studentOpt);
  addOptimizer('baseline', d.baselineOpt);
  for (const role of STUDENT_ROLES) early.snapshot(role)?.forEach((t, i) => named.push([`early.${role}/${i}`, t]));
  return { named, meta: { optimizers, sampler: d.sampler.state, early: early.state() } };
}

/**
 * The run's whole state now. Call it between steps (from RunControl.beforeStep, or when no loop
 * runs a phase it throws). It first flushes the pending step losses (so a divergence among them is
 * found before a checkpoint could keep it), then reads every tensor back in one transfer.
 * `hyper`: the hyperparameters the next step will use (default: the last step's).
 */
export async function captureCheckpoint(run: DistillationRun, hyper?: Hyper): Promise<RunCheckpoint> {
  if (!run.phase) throw new Error('a checkpoint is taken while a training phase runs, between two steps');
  await run.flush();
  const phase = run.phase;
  const { named, meta } = collect(run);
  const all = tf.tidy(() => tf.concat(named.map(([, t]) => t.reshape([-1])))); // (total)
  const flat = (await all.data()) as Float32Array;
  all.dispose();
  const tensors = new Map<string, Float32Array>();
  const shapes: Record<string, number[]> = {};
  let offset = 0;
  for (const [name, t] of named) {
    tensors.set(name, flat.subarray(offset, offset + t.size));
    shapes[name] = t.shape.slice();
    offset += t.size;
  }
  const last = run.hyperHistory[run.hyperHistory.length - 1];
  return {
    meta: {
      ...(meta as Pick<CheckpointMeta, 'optimizers' | 'sampler' | 'early'>),
      task: taskFingerprint(run.task),
      config: structuredClone(run.config),
      phase,
      taken: { teacher: run.teacherStep, distill: run.distillStep },
      hyper: { ...(hyper ?? last?.hyper ?? run.config.hyper) },
      hyperHistory: structuredClone(run.hyperHistory),
      teacherConfig: { ...run.teacher.config },
      shapes,
    },
    tensors,
  };
}

export function encodeRunCheckpoint(c: RunCheckpoint): ArrayBuffer {
  return encodeCheckpoint({ meta: c.meta, tensors: [...c.tensors].map(([name, data]) => ({ name, data })) });
}

/** Decodes checkpoint bytes; throws with a sentence saying what is wrong when they are damaged. */
export function decodeRunCheckpoint(bytes: ArrayBuffer): RunCheckpoint {
  const parts = decodeCheckpoint<CheckpointMeta>(bytes);
  const tensors = new Map(parts.tensors.map((t) => [t.name, t.data]));
  for (const [name, shape] of Object.entries(parts.meta.shapes ?? {})) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (tensors.get(name)?.length !== size) throw new Error(`the checkpoint's ${name} does not hold ${size} values`);
  }
  return { meta: parts.meta, tensors };
}

function payload(c: RunCheckpoint, name: string): Float32Array {
  const data = c.tensors.get(name);
  if (!data) throw new Error(`the checkpoint has no ${name}`);
  return data;
}

function assignModel(c: RunCheckpoint, prefix: string, model: GPT): void {
  model.params.forEach((v, name) => tf.tidy(() => v.assign(tf.tensor(payload(c, `${prefix}/${name}`), v.shape))));
}

function restoreOptimizer(c: RunCheckpoint, name: string, opt: AdamW): void {
  const saved = c.meta.optimizers[name];
  if (!saved) throw new Error(`the checkpoint has no state for the ${name} optimizer`);
  const moments = Array.from({ length: saved.groups }, (_, g) => ({
    m: payload(c, `opt.${name}/${g}/m`),
    v: payload(c, `opt.${name}/${g}/v`),
  }));
  opt.restore(saved.steps, moments);
}

/** Puts the teacher phase's batch order and optimizer back (the weights came with the teacher). */
export function restoreTeacherPhase(c: RunCheckpoint, trainer: TeacherStep): void {
  trainer.sampler.state = c.meta.sampler;
  restoreOptimizer(c, 'teacher', trainer.opt);
}

/** Puts the distillation phase back: both students, projections, optimizers, batch order, early stopping. */
export function restoreDistillPhase(c: RunCheckpoint, d: DistillStep, early: EarlyStopping): void {
  assignModel(c, 'student', d.student);
  assignModel(c, 'baseline', d.baseline);
  d.projections.forEach((p, i) => tf.tidy(() => p.assign(tf.tensor(payload(c, `projection/${i}`), p.shape))));
  restoreOptimizer(c, 'student', d.studentOpt);
  restoreOptimizer(c, 'baseline', d.baselineOpt);
  d.sampler.state = c.meta.sampler;
  const snapshots = { student: null, baseline: null } as Record<StudentRole, Float32Array[] | null>;
  const shapes = { student: [], baseline: [] } as Record<StudentRole, number[][]>;
  for (const role of STUDENT_ROLES) {
    const n = d[role].variables().length;
    shapes[role] = d[role].variables().map((v) => v.shape);
    if (c.tensors.has(`early.${role}/0`))
      snapshots[role] = Array.from({ length: n }, (_, i) => payload(c, `early.${role}/${i}`));
  }
  early.restore(c.meta.early!, snapshots, shapes);
}
