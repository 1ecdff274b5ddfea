// A model of the run as nanoGPT-compatible files (safetensors + config.json), with the task and
// its classes recorded in config.json so the files say what they were trained for.

import { exportModel, type ExportedModel } from '../model/export';
import type { DistillationRun } from '../train/run';
import type { ModelRole } from './protocol';

export async function exportRole(run: DistillationRun, role: ModelRole): Promise<ExportedModel> {
  const model = role === 'teacher' ? run.teacher : run.distiller?.[role];
  if (!model) throw new Error(`there is no ${role} yet: it appears when distillation starts`);
  const task = run.task;
  const extra: Record<string, unknown> = {
    task: task.id,
    role,
    seed: run.config.seed,
    ...(task.classes ? { classes: task.classes.map((c) => c.name) } : {}),
    ...(role === 'student' ? { distillation: { ...run.config.hyper, steps: run.distillStep } } : {}),
    ...(role === 'baseline' ? { baseline: { lr: run.config.hyper.lr, steps: run.distillStep } } : {}),
  };
  return exportModel(model, task.vocab, extra);
}
