// A model of the run as nanoGPT-compatible files (safetensors + config.json). config.json carries
// the same keys as the CLI's export (modelExtra): task, kind, class tokens, role, seed, and the
// hyperparameters each step actually ran with, slider moves included.

import { exportModel, type ExportedModel } from '../model/export';
import type { DistillationRun } from '../train/run';
import { modelExtra } from '../train/taskExtra';
import type { ModelRole } from './protocol';

export async function exportRole(run: DistillationRun, role: ModelRole): Promise<ExportedModel> {
  const model = run.model(role);
  if (!model) throw new Error(`there is no ${role} yet: it appears when distillation starts`);
  return exportModel(model, run.task.vocab, modelExtra(run, role));
}
