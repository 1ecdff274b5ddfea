// The shipped pretrained teachers: public/teachers/<task>/ in the export format, made by
// `npm run pretrain` (src/cli/pretrain.ts).

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskId } from '../config';
import type { Task } from '../data/task';
import type { GPT } from '../model/gpt';
import { assertTeacherFitsTask } from '../train/teacherCheck';
import { loadModelDir } from './modelDir';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TEACHERS_DIR = join(REPO_ROOT, 'public', 'teachers');

export function shippedTeacherDir(task: TaskId): string {
  return join(TEACHERS_DIR, task);
}

export function hasShippedTeacher(task: TaskId): boolean {
  return existsSync(join(shippedTeacherDir(task), 'config.json'));
}

/** Loads the shipped teacher for a task, frozen, and checks that it fits the task. */
export async function loadShippedTeacher(task: Task): Promise<GPT> {
  if (!hasShippedTeacher(task.id)) {
    throw new Error(
      `no shipped teacher for task "${task.id}" (looked in ${shippedTeacherDir(task.id)}): pass --teacher-steps N to train one`,
    );
  }
  const { model, vocab } = await loadModelDir(shippedTeacherDir(task.id), false);
  try {
    assertTeacherFitsTask(model, vocab, task);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
