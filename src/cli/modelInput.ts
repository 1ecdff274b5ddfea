// How `predict` reads its input and decodes its output for a model directory, from config.json
// alone (task, kind, class tokens: see src/train/taskExtra.ts). No file system and no process here,
// so tests drive the same code on a model exported by the app.

import { BUILTIN_TASKS, DEFAULT_CONFIG, taskOptions, type TaskId } from '../config';
import { buildTask } from '../data';
import { splitChars, splitWords } from '../data/sequences';
import { UsageError } from './main';

/** `--tokens 1,2,3`: every id an integer in 0..vocabSize-1; an empty id ("", "1,,2") is refused. */
export function parseTokenIds(raw: string, vocabSize: number): number[] {
  if (raw.trim() === '') throw new UsageError('--tokens is empty: give comma-separated token ids, e.g. --tokens 1,5,9');
  return raw.split(',').map((s, i) => {
    const t = s.trim();
    if (t === '')
      throw new UsageError(`--tokens "${raw}": id ${i + 1} is empty (two commas in a row, or a comma at an end)`);
    const n = Number(t);
    if (!/^\d+$/.test(t) || !Number.isSafeInteger(n) || n >= vocabSize) {
      throw new UsageError(`token "${t}" is not an id in 0..${vocabSize - 1}`);
    }
    return n;
  });
}

/** The class names and their token ids from config.json, or null for a generation model. */
export function classTokens(
  extra: Record<string, unknown>,
  vocabSize: number,
): { names: string[]; ids: number[] } | null {
  const ids = extra.class_token_ids;
  const names = extra.classes;
  if (ids === undefined || ids === null) return null;
  if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id) && id >= 0 && id < vocabSize)) {
    throw new Error(
      `config.json: class_token_ids must be token ids in 0..${vocabSize - 1} (got ${JSON.stringify(ids)})`,
    );
  }
  if (!Array.isArray(names) || names.length !== ids.length || !names.every((n) => typeof n === 'string')) {
    throw new Error(
      `config.json: classes must name each of the ${ids.length} class_token_ids (got ${JSON.stringify(names)})`,
    );
  }
  return { names: names as string[], ids: ids as number[] };
}

/** Encodes text for a model directory: with the built-in task's own encoder where it is one. */
export function encoderFor(
  extra: Record<string, unknown>,
  vocab: readonly string[],
  blockSize: number,
): (text: string) => number[] {
  const task = extra.task as TaskId | undefined;
  if (task && BUILTIN_TASKS.includes(task)) {
    const t = buildTask(task, taskOptions({ labelled: DEFAULT_CONFIG.labelled, transfer: 0 }));
    return (text) => t.encodePrompt(text);
  }
  // Custom tasks: the vocabulary is all there is; as src/data/custom.ts encodes them, words for
  // classification ([BOS, words…, SEP], unknown words as <unk>), characters for text ([BOS, chars…]).
  const index = new Map(vocab.map((t, i) => [t, i]));
  const bos = index.get('<bos>') ?? 1;
  const unk = index.get('<unk>');
  const sep = index.get('<sep>');
  if (extra.kind === 'classification') {
    return (text) => {
      const ids = splitWords(text)
        .slice(0, blockSize - 2)
        .map((w) => {
          const id = index.get(w) ?? unk;
          if (id === undefined) throw new UsageError(`"${w}" is not in the model's vocabulary`);
          return id;
        });
      if (!ids.length) throw new UsageError('the text has no words (letters or digits)');
      return sep !== undefined ? [bos, ...ids, sep] : [bos, ...ids];
    };
  }
  return (text) => {
    const chars = splitChars(text).slice(-(blockSize - 1));
    return [
      bos,
      ...chars.map((c) => {
        const id = index.get(c) ?? unk;
        if (id === undefined)
          throw new UsageError(`the character ${JSON.stringify(c)} is not in the model's vocabulary`);
        return id;
      }),
    ];
  };
}

export interface Decoded {
  prediction: string;
  predictionId: number;
}

/** The prediction at the last position: the best class token for classification, else the best token. */
export function decodePrediction(
  last: ArrayLike<number>,
  extra: Record<string, unknown>,
  vocab: readonly string[],
): Decoded {
  const classes = classTokens(extra, vocab.length);
  const candidates = classes ? classes.ids : vocab.map((_, i) => i);
  const best = candidates.reduce((a, b) => (last[b] > last[a] ? b : a), candidates[0]);
  return { prediction: classes ? classes.names[classes.ids.indexOf(best)] : vocab[best], predictionId: best };
}
