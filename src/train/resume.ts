// Resuming a run from a checkpoint (checkpoint.ts): the checkpoint's teacher and config, a fresh
// DistillationRun, and its counters and phase state put back as its phase starts.

import * as tf from '@tensorflow/tfjs';
import type { Task } from '../data/task';
import { GPT } from '../model/gpt';
import { checkpointProblem, type RunCheckpoint } from './checkpoint';
import { DistillationRun, type RunCallbacks, type RunControl } from './run';

/**
 * A new run that continues `checkpoint` on `task` (the same data: refused otherwise, with the reason).
 * Its config is the checkpoint's; drive it as a fresh run (trainTeacher, then distill).
 */
export function resumeRun(
  task: Task,
  checkpoint: RunCheckpoint,
  control: RunControl,
  callbacks: RunCallbacks = {},
  flushMs?: number,
): DistillationRun {
  const problem = checkpointProblem(checkpoint, task);
  if (problem) throw new Error(`cannot resume: ${problem}`);
  const weights = new Map<string, tf.Tensor>();
  const prefix = 'teacher/';
  for (const [name, data] of checkpoint.tensors)
    if (name.startsWith(prefix)) weights.set(name.slice(prefix.length), tf.tensor(data, checkpoint.meta.shapes[name]));
  let teacher: GPT;
  try {
    teacher = new GPT(checkpoint.meta.teacherConfig, weights);
  } finally {
    weights.forEach((w) => w.dispose());
  }
  const run = new DistillationRun(task, checkpoint.meta.config, control, callbacks, teacher, flushMs);
  run.resumeFrom(checkpoint);
  return run;
}
