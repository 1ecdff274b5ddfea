// A loaded teacher must speak the task's vocabulary, token for token, and fit its sequence length:
// otherwise its logits would be about other tokens and distillation would be meaningless.

import type { Task } from '../data/task';
import type { GPT } from '../model/gpt';

export function assertTeacherFitsTask(teacher: GPT, vocab: readonly string[], task: Task): void {
  const problems: string[] = [];
  if (vocab.length !== task.vocab.length) {
    problems.push(`its vocabulary has ${vocab.length} tokens, the task has ${task.vocab.length}`);
  } else {
    const i = vocab.findIndex((t, j) => t !== task.vocab[j]);
    if (i >= 0) problems.push(`token ${i} is "${vocab[i]}" in the teacher but "${task.vocab[i]}" in the task`);
  }
  if (teacher.config.blockSize < task.seqLen) {
    problems.push(`its block size ${teacher.config.blockSize} is shorter than the task's sequences (${task.seqLen})`);
  }
  if (problems.length) throw new Error(`the teacher does not fit task "${task.id}": ${problems.join('; ')}`);
}
