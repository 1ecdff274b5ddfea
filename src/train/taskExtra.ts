// What config.json records about the task beside nanoGPT's keys, so a model directory can be used
// on its own (predict, import into the app): the task, its kind, and the class tokens.

import { DATASET_SEED } from '../config';
import type { Task } from '../data/task';

export function taskExtra(task: Task): Record<string, unknown> {
  return {
    task: task.id,
    kind: task.kind,
    dataset_seed: DATASET_SEED,
    classes: task.classes?.map((c) => c.name) ?? null,
    class_token_ids: task.classes?.map((c) => c.tokenId) ?? null,
  };
}
