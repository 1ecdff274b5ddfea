// Structural checks every task must pass: shapes, id ranges and the mask conventions of task.ts.
// Used by the tests of every task; cheap enough to run on a freshly built custom task too.

import type { SequenceSet, Task } from './task';
import { PAD } from './sequences';

/** Problems with one split, as sentences (empty when it is well formed). */
export function checkSequenceSet(task: Task, name: string, set: SequenceSet, labelledRows?: number): string[] {
  const errors: string[] = [];
  const { count, seqLen } = set;
  const V = task.vocab.length;
  const n = count * seqLen;
  const say = (msg: string) => {
    if (errors.length < 20) errors.push(`${name}: ${msg}`);
  };
  if (seqLen !== task.seqLen) say(`seqLen ${seqLen} differs from the task's ${task.seqLen}`);
  for (const key of ['inputs', 'targets', 'hardMask', 'softMask', 'tokenMask'] as const) {
    if (set[key].length !== n) say(`${key} has ${set[key].length} entries, expected ${n}`);
  }
  if (errors.length) return errors;
  const classTokens = new Set((task.classes ?? []).map((c) => c.tokenId));
  for (let i = 0; i < count; i++) {
    let scored = 0;
    let seenPad = false;
    const labelled = labelledRows === undefined || i < labelledRows;
    for (let t = 0; t < seqLen; t++) {
      const k = i * seqLen + t;
      const x = set.inputs[k];
      const y = set.targets[k];
      const soft = set.softMask[k];
      const hard = set.hardMask[k];
      if (x < 0 || x >= V || y < 0 || y >= V) say(`row ${i} position ${t}: token id out of range`);
      if (set.tokenMask[k] !== (x === PAD ? 0 : 1)) say(`row ${i} position ${t}: tokenMask disagrees with inputs`);
      if (x === PAD) seenPad = true;
      else if (seenPad) say(`row ${i} position ${t}: a real token after padding`);
      if (t === 0 && x === PAD) say(`row ${i} is empty`);
      if (soft !== 0 && soft !== 1) say(`row ${i} position ${t}: softMask is not 0/1`);
      if (hard !== (labelled ? soft : 0))
        say(`row ${i} position ${t}: hardMask should be ${labelled ? 'softMask' : '0'}`);
      if (soft === 0 && y !== 0) say(`row ${i} position ${t}: target set where nothing is scored`);
      if (soft === 1) {
        scored++;
        if (x === PAD) say(`row ${i} position ${t}: a padding position is scored`);
        if (y === PAD) say(`row ${i} position ${t}: a scored position predicts padding`);
        if (task.kind === 'classification' && !classTokens.has(y))
          say(`row ${i}: the scored target is not a class token`);
      }
      if (set.trueNext) {
        let sum = 0;
        for (let v = 0; v < V; v++) sum += set.trueNext[k * V + v];
        const want = soft === 1 ? 1 : 0;
        if (Math.abs(sum - want) > 1e-4) say(`row ${i} position ${t}: trueNext sums to ${sum}, expected ${want}`);
        if (soft === 1 && set.trueNext[k * V + y] <= 0)
          say(`row ${i} position ${t}: the target has true probability 0`);
      }
    }
    if (task.kind === 'classification' && scored !== 1) say(`row ${i} has ${scored} scored positions, expected 1`);
    if (task.kind === 'generation' && scored === 0) say(`row ${i} has no scored position`);
  }
  if (set.trueNext && set.trueNext.length !== n * V)
    say(`trueNext has ${set.trueNext.length} entries, expected ${n * V}`);
  return errors;
}

/** The number of leading rows of `train` that carry labels (rows with any hardMask). */
export function labelledRowCount(set: SequenceSet): number {
  let rows = 0;
  for (let i = 0; i < set.count; i++) {
    let any = false;
    for (let t = 0; t < set.seqLen && !any; t++) any = set.hardMask[i * set.seqLen + t] === 1;
    if (any) rows = i + 1;
  }
  return rows;
}

/** All structural problems of a task (empty when it follows the conventions). */
export function checkTask(task: Task): string[] {
  const errors: string[] = [];
  if (task.vocab[PAD] !== '<pad>') errors.push('vocab[0] must be <pad>');
  if (task.vocab[1] !== '<bos>') errors.push('vocab[1] must be <bos>');
  if (new Set(task.vocab).size !== task.vocab.length) errors.push('the vocabulary has duplicate entries');
  if (task.kind === 'classification' && !(task.classes && task.classes.length >= 2))
    errors.push('a classification task needs classes');
  errors.push(...checkSequenceSet(task, 'teacherTrain', task.teacherTrain));
  errors.push(...checkSequenceSet(task, 'train', task.train, labelledRowCount(task.train)));
  errors.push(...checkSequenceSet(task, 'val', task.val));
  errors.push(...checkSequenceSet(task, 'test', task.test));
  for (const ex of task.examples) {
    try {
      const ids = task.encodePrompt(ex);
      if (ids.length > task.seqLen) errors.push(`example "${ex}" encodes to ${ids.length} tokens, more than seqLen`);
    } catch (e) {
      errors.push(`example "${ex}" does not encode: ${(e as Error).message}`);
    }
  }
  return errors;
}
