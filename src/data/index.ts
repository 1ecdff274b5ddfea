// The data layer's front door: build any task by id. Custom tasks take the visitor's text or CSV.

import type { TaskId } from '../config';
import { buildCsvTask, buildTextTask, type CustomData } from './custom';
import { buildGrammarTask } from './grammar';
import { buildModAddTask } from './modadd';
import { buildSentimentTask } from './sentiment';
import type { Task, TaskOptions } from './task';
import { DataError } from './task';

export * from './task';
export { buildSentimentTask, sentimentScore, sentimentClassOf, SENTIMENT_CLASS_NAMES } from './sentiment';
export { buildGrammarTask, grammarLanguage } from './grammar';
export { buildModAddTask, MODADD_P } from './modadd';
export {
  buildTextTask,
  buildCsvTask,
  parseLabelledCsv,
  decodeUserFile,
  customDataFromFile,
  customTaskOfFile,
  MAX_FILE_BYTES,
  MIN_TEXT_CHARS,
  MIN_CSV_ROWS,
  MAX_CLASSES,
} from './custom';
export { PAD, BOS, PAD_TOKEN, BOS_TOKEN, SEP_TOKEN, EOS_TOKEN, UNK_TOKEN } from './sequences';
export { checkTask } from './validate';

export type { CustomData, CustomTaskId } from './custom';

export function buildTask(id: TaskId, opts: TaskOptions, custom?: CustomData): Task {
  switch (id) {
    case 'sentiment':
      return buildSentimentTask(opts);
    case 'grammar':
      return buildGrammarTask(opts);
    case 'modadd':
      return buildModAddTask(opts);
    case 'custom-text':
      if (custom?.text === undefined)
        throw new DataError('the custom text task needs some text: paste it or choose a file');
      return buildTextTask(custom.text, opts);
    case 'custom-csv':
      if (custom?.csv === undefined) throw new DataError('the custom CSV task needs a text,label CSV file');
      return buildCsvTask(custom.csv, opts, custom.labels);
    default: {
      const never: never = id;
      throw new DataError(`unknown task "${String(never)}"`);
    }
  }
}
