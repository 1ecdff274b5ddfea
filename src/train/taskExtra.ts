// What config.json records beside nanoGPT's keys, so a model directory can be used on its own
// (predict, import into the app) and says truly how it was made: the task, its kind and class
// tokens (taskExtra), and for a model of a run its role, the run seed and the hyperparameters each
// step actually ran with (modelExtra). The CLI and the app's export both write modelExtra.

import { DATASET_SEED, type Hyper } from '../config';
import type { Task } from '../data/task';
import type { HyperRecord, TrainPhase } from '../report';
import type { DistillationRun } from './run';

export type ModelRole = 'teacher' | 'student' | 'baseline';

export function taskExtra(task: Task): Record<string, unknown> {
  return {
    task: task.id,
    kind: task.kind,
    dataset_seed: DATASET_SEED,
    classes: task.classes?.map((c) => c.name) ?? null,
    class_token_ids: task.classes?.map((c) => c.tokenId) ?? null,
  };
}

/** The hyperparameters a role's training reads: the teacher phase and the baseline use labels only. */
export const ROLE_HYPER_KEYS: Readonly<Record<ModelRole, readonly (keyof Hyper)[]>> = {
  teacher: ['lr', 'batchSize'],
  student: [
    'temperature',
    'alpha',
    'beta',
    'gamma',
    'delta',
    'lr',
    'batchSize',
    'divergence',
    'jsdBeta',
    'tSquared',
    'labelSmoothing',
    'sparseTeacher',
    'teacherK',
  ],
  baseline: ['lr', 'batchSize'],
};

export type ScheduleEntry = { step: number } & Partial<Hyper>;

export interface AppliedHyper {
  /** Values of the last step that ran; null when no step ran. */
  final: Partial<Hyper> | null;
  /** From `step` on, these values: one entry for the first step, then one per change. */
  schedule: ScheduleEntry[];
}

/**
 * The applied schedule of one phase, restricted to `keys`: a change of a key the role does not read
 * (T moved during the teacher phase) is no change for it. Steps after `lastStep` did not run.
 */
export function appliedHyper(
  history: readonly HyperRecord[],
  phase: TrainPhase,
  keys: readonly (keyof Hyper)[],
  lastStep = Infinity,
): AppliedHyper {
  const schedule: ScheduleEntry[] = [];
  for (const r of history) {
    if (r.phase !== phase || r.step > lastStep) continue;
    const prev = schedule[schedule.length - 1];
    if (prev && keys.every((k) => prev[k] === r.hyper[k])) continue;
    const entry: ScheduleEntry = { step: r.step };
    for (const k of keys) entry[k] = r.hyper[k];
    schedule.push(entry);
  }
  const last = schedule[schedule.length - 1];
  if (!last) return { final: null, schedule };
  const final: Partial<Hyper> = {};
  for (const k of keys) final[k] = last[k];
  return { final, schedule };
}

/** How one model of a run was trained, as config.json's `training` key; null for a teacher loaded, not trained. */
export function trainingRecord(run: DistillationRun, role: ModelRole): Record<string, unknown> | null {
  const phase: TrainPhase = role === 'teacher' ? 'teacher' : 'distill';
  const steps = role === 'teacher' ? run.teacherStep : run.distillStep;
  if (role === 'teacher' && steps === 0) return null;
  const { final, schedule } = appliedHyper(run.hyperHistory, phase, ROLE_HYPER_KEYS[role], steps);
  const c = run.config;
  return {
    phase,
    steps,
    hyper: final,
    schedule,
    warmup_steps: c.warmupSteps,
    weight_decay: c.weightDecay,
    clip_norm: c.clipNorm,
    ...(role !== 'teacher' ? { labelled: c.labelled, transfer: c.transfer } : {}),
    ...(role !== 'teacher' && run.restoredFrom ? { weights_from_step: run.restoredFrom[role] } : {}),
  };
}

/** Everything config.json records beside nanoGPT's keys for one model of a run: CLI and app alike. */
export function modelExtra(run: DistillationRun, role: ModelRole): Record<string, unknown> {
  const training = trainingRecord(run, role);
  // A teacher that was loaded (the shipped one) was not made from this run's seed.
  const loaded = role === 'teacher' && training === null;
  return { ...taskExtra(run.task), role, ...(loaded ? { loaded: true } : { seed: run.config.seed }), training };
}
