// The shipped pretrained teachers: public/teachers/<task>/{model.safetensors,config.json}, made by
// the project's pretrain script. Which one fits a run, and why not when none does.

import { BUILTIN_TASKS, sizeSpec, type SizeSpec, type TaskId } from '../config';
import type { Task } from '../data/task';
import { parseModelConfig } from '../model/export';
import type { ShippedTeacher } from './protocol';

/** Fetches a file under the app's base URL; null when it does not exist. */
export type AssetLoader = (path: string) => Promise<Uint8Array | null>;

export const teacherPath = (task: TaskId, file: 'config.json' | 'model.safetensors') => `teachers/${task}/${file}`;

export interface ShippedTeacherFiles {
  info: ShippedTeacher;
  configJson: string | null;
}

/** Reads a task's shipped config.json and checks that it fits the task's vocabulary and length. */
export async function probeShippedTeacher(task: Task, load: AssetLoader): Promise<ShippedTeacherFiles> {
  const none = (reason: string): ShippedTeacherFiles => ({
    info: { task: task.id, available: false, reason },
    configJson: null,
  });
  if (!BUILTIN_TASKS.includes(task.id)) return none('there is no shipped teacher for your own data');
  let bytes: Uint8Array | null;
  try {
    bytes = await load(teacherPath(task.id, 'config.json'));
  } catch (e) {
    return none(`the shipped teacher could not be fetched: ${(e as Error).message}`);
  }
  if (!bytes) return none('no shipped teacher for this task yet');
  const configJson = new TextDecoder().decode(bytes);
  let parsed;
  try {
    parsed = parseModelConfig(configJson);
  } catch (e) {
    return none(`the shipped teacher's config.json is not usable: ${(e as Error).message}`);
  }
  const { config, vocab } = parsed;
  if (vocab.length !== task.vocab.length || vocab.some((t, i) => t !== task.vocab[i])) {
    return none('the shipped teacher was trained with a different vocabulary');
  }
  if (config.blockSize < task.seqLen)
    return none(`the shipped teacher reads at most ${config.blockSize} tokens; the task needs ${task.seqLen}`);
  const size: SizeSpec = sizeSpec({ nLayer: config.nLayer, nHead: config.nHead, nEmbd: config.nEmbd });
  return { info: { task: task.id, available: true, size }, configJson };
}
