// The visitor's own data: plain text (character-level generation) or a `text,label` CSV
// (word-level classification). Everything is validated here and every problem is thrown as a
// DataError whose message names it (with the 1-based line number where there is one), so the UI can
// show it as is.
//
// Text: vocab = PAD, BOS and the distinct characters (sorted; beyond the TEXT_MAX_VOCAB most frequent,
// as Chinese prose has thousands, the rarest become <unk>); the text is split by position into
// 80% train / 10% validation / 10% test; each row is [BOS, 32 characters] cut from its region at a
// fixed stride (1 for small texts, wider for large ones so the teacher set stays ≤ 10,000 rows).
// The teacher trains on all training rows; the student's labelled and transfer rows are a seeded
// permutation of the same rows, capped to what exists and to what the teacher-output cache may hold:
// the frozen teacher's logits over the student's rows are kept on the device, rows × 32 × vocabulary
// floats twice (logits and softmax at T), so a larger vocabulary allows fewer rows (TEXT_CACHE_BYTES).
//
// CSV: `text,label` rows (header optional, "label,text" order accepted), words = splitWords (lower-cased
// runs of letters and digits; each Chinese or Japanese character is a word of its own), truncated to
// the first CSV_MAX_SEQ_LEN − 2 words; each label becomes a class token. The split
// is 80/10/10 stratified by label from the seed, so small classes appear in every split (validation
// and test are capped near 500 rows each; the rest of a large file goes to training). The vocabulary
// is the training split's words (the 4,000 most frequent when there are more); other words map to
// <unk>.

import Papa from 'papaparse';
import type { TaskId } from '../config';
import { deriveSeed, mulberry32, shuffle } from '../rng';
import type { Task, TaskClass, TaskOptions } from './task';
import { DataError } from './task';
import {
  BOS,
  BOS_TOKEN,
  PAD,
  PAD_TOKEN,
  SEP_TOKEN,
  UNK_TOKEN,
  decodeWords,
  indexOf,
  joinWords,
  packSequences,
  splitChars,
  splitWords,
} from './sequences';

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const MIN_TEXT_CHARS = 200;
/**
 * Distinct characters a text may use. Was 256, which refused any ordinary Chinese text (a few pages
 * use 1,000–2,500 different characters); the vocabulary itself is capped at TEXT_MAX_VOCAB.
 */
export const MAX_TEXT_SYMBOLS = 8000;
/** Characters in the text task's vocabulary (the most frequent; the rest are <unk>). */
export const TEXT_MAX_VOCAB = 1024;
/**
 * Bytes one copy of the cached teacher outputs may take (rows × TEXT_SEQ_LEN × vocabulary × 4): the
 * size the default run (2,200 rows) had with a 256-character vocabulary, which is known to work.
 */
export const TEXT_CACHE_BYTES = 80e6;
export const MIN_CSV_ROWS = 20;
export const MIN_CLASSES = 2;
export const MAX_CLASSES = 20;
export const TEXT_SEQ_LEN = 32;
/** Tokens per CSV row with BOS and SEP: 94 words or characters (a Chinese sentence or two; was 32). */
export const CSV_MAX_SEQ_LEN = 96;
const CSV_MAX_WORDS = CSV_MAX_SEQ_LEN - 2;
const CSV_MAX_VOCAB_WORDS = 4000;
const TEXT_TEACHER_MAX_ROWS = 10_000;
const EVAL_MAX_ROWS = 500;

const mb = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

/** Offset of the first byte that starts an invalid UTF-8 sequence, or -1 when all is valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  const cont = (j: number, lo = 0x80, hi = 0xbf) => j < n && bytes[j] >= lo && bytes[j] <= hi;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
    } else if (b >= 0xc2 && b <= 0xdf) {
      if (!cont(i + 1)) return i;
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      const lo = b === 0xe0 ? 0xa0 : 0x80;
      const hi = b === 0xed ? 0x9f : 0xbf;
      if (!cont(i + 1, lo, hi) || !cont(i + 2)) return i;
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      const lo = b === 0xf0 ? 0x90 : 0x80;
      const hi = b === 0xf4 ? 0x8f : 0xbf;
      if (!cont(i + 1, lo, hi) || !cont(i + 2) || !cont(i + 3)) return i;
      i += 4;
    } else {
      return i;
    }
  }
  return -1;
}

/** Decodes an uploaded file as UTF-8 (a BOM is dropped), rejecting empty, oversized or non-UTF-8 files. */
export function decodeUserFile(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new DataError('the file is empty');
  if (bytes.length > MAX_FILE_BYTES) {
    throw new DataError(`the file is too large (${mb(bytes.length)} MB): the limit is ${mb(MAX_FILE_BYTES)} MB`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    throw new DataError(
      `the file is not valid UTF-8 text (first bad byte near offset ${at}, line ${line}): save it as UTF-8 and try again`,
    );
  }
}

/** The visitor's data for the custom tasks (buildTask's third argument). */
export interface CustomData {
  /** Raw text for 'custom-text'. */
  text?: string;
  /** `text,label` CSV for 'custom-csv'. */
  csv?: string;
  /** Optional allow-list of labels for 'custom-csv' (also fixes the class order). */
  labels?: readonly string[];
}

export type CustomTaskId = Extract<TaskId, 'custom-text' | 'custom-csv'>;

/** The custom task a file is for, by its name: .csv → custom-csv, .txt → custom-text. */
export function customTaskOfFile(name: string): CustomTaskId {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) return 'custom-csv';
  if (lower.endsWith('.txt')) return 'custom-text';
  throw new DataError(
    `"${name}" is neither a .txt nor a .csv file: upload plain text (.txt) for generation or a text,label CSV (.csv) for classification`,
  );
}

/**
 * A file as a custom task's data: decoded as UTF-8 (decodeUserFile's checks), as the text of
 * custom-text or the CSV of custom-csv. The task is the one given (the CLI's --task) or else the one
 * the file's name says (an upload). The app and the CLI both read files through this.
 */
export function customDataFromFile(
  name: string,
  bytes: Uint8Array,
  task: CustomTaskId = customTaskOfFile(name),
): { task: CustomTaskId; data: CustomData } {
  const text = decodeUserFile(bytes);
  return { task, data: task === 'custom-csv' ? { csv: text } : { text } };
}

/** Common checks on pasted or decoded text; returns it with a BOM dropped and line ends as "\n". */
function normaliseInput(text: string): string {
  // A UTF-16 code unit is at least one UTF-8 byte, so only long strings need the exact count.
  if (text.length > MAX_FILE_BYTES / 3) {
    const bytes = new TextEncoder().encode(text).length;
    if (bytes > MAX_FILE_BYTES) {
      throw new DataError(`the input is too large (${mb(bytes)} MB): the limit is ${mb(MAX_FILE_BYTES)} MB`);
    }
  }
  const out = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (out.trim() === '') throw new DataError('the input is empty');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text

function textWindows(chars: readonly number[], start: number, end: number, maxRows: number): number[][] {
  const len = end - start;
  if (len <= 0) return [];
  if (len <= TEXT_SEQ_LEN) return [[BOS, ...chars.slice(start, end)]];
  const starts = len - TEXT_SEQ_LEN + 1;
  const stride = Math.max(1, Math.ceil(starts / maxRows));
  const rows: number[][] = [];
  for (let s = start; s + TEXT_SEQ_LEN <= end; s += stride) rows.push([BOS, ...chars.slice(s, s + TEXT_SEQ_LEN)]);
  return rows;
}

/** Character-level generation on the visitor's text. */
export function buildTextTask(input: string, opts: TaskOptions): Task {
  const text = normaliseInput(input);
  const symbols = splitChars(text);
  if (symbols.length < MIN_TEXT_CHARS) {
    throw new DataError(`too little text: ${symbols.length} characters, need at least ${MIN_TEXT_CHARS}`);
  }
  const freq = new Map<string, number>();
  for (const c of symbols) freq.set(c, (freq.get(c) ?? 0) + 1);
  const distinct = [...freq.keys()].sort();
  if (distinct.length > MAX_TEXT_SYMBOLS) {
    throw new DataError(
      `the text uses ${distinct.length} different characters: at most ${MAX_TEXT_SYMBOLS} are supported`,
    );
  }
  const rare = distinct.length > TEXT_MAX_VOCAB;
  const kept = rare
    ? [...freq.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, TEXT_MAX_VOCAB)
        .map(([c]) => c)
        .sort()
    : distinct;
  const vocab = rare ? [PAD_TOKEN, BOS_TOKEN, UNK_TOKEN, ...kept] : [PAD_TOKEN, BOS_TOKEN, ...kept];
  const index = indexOf(vocab);
  const UNK = rare ? 2 : undefined;
  const ids = symbols.map((c) => index.get(c) ?? UNK ?? PAD);
  const unkShare = rare ? ids.filter((id) => id === UNK).length / ids.length : 0;
  const n = ids.length;
  const trainEnd = Math.floor(n * 0.8);
  const valEnd = Math.floor(n * 0.9);
  const teacherRows = textWindows(ids, 0, trainEnd, TEXT_TEACHER_MAX_ROWS);
  const order = shuffle(
    mulberry32(deriveSeed(opts.seed, 'custom-text:train')),
    teacherRows.map((_, i) => i),
  );
  const maxRows = Math.max(1, Math.floor(TEXT_CACHE_BYTES / (4 * TEXT_SEQ_LEN * vocab.length)));
  const usable = Math.min(order.length, maxRows);
  const nLabelled = Math.min(opts.labelled, usable);
  const nTransfer = Math.min(opts.transfer, usable - nLabelled);
  const trainRows = order.slice(0, nLabelled + nTransfer).map((i) => teacherRows[i]);
  const gen = { seqLen: TEXT_SEQ_LEN, score: 'all' as const };

  const snippet = (from: number) => {
    const s = symbols.slice(from, from + 24).join('');
    const cut = s.lastIndexOf(' ');
    return (cut > 8 ? s.slice(0, cut) : s).trim();
  };
  const examples = [...new Set([snippet(0), snippet(trainEnd), snippet(valEnd)].filter((s) => s.length > 0))];

  return {
    id: 'custom-text',
    title: 'Your text (characters)',
    description:
      `Next-character prediction on your ${n.toLocaleString('en-US')}-character text (${distinct.length} ` +
      'distinct characters' +
      (rare
        ? `; the ${TEXT_MAX_VOCAB} most frequent are the vocabulary, the other ${distinct.length - TEXT_MAX_VOCAB} ` +
          `(${(unkShare * 100).toFixed(1)}% of the text) are <unk>`
        : '') +
      '), split by position 80/10/10. ' +
      (usable < Math.min(order.length, opts.labelled + opts.transfer)
        ? `At this vocabulary the teacher-output cache holds ${usable.toLocaleString('en-US')} training rows, so the student gets that many. `
        : '') +
      'With little labelled text, the teacher’s soft next-character guesses give the student more signal per example.',
    kind: 'generation',
    vocab,
    seqLen: TEXT_SEQ_LEN,
    teacherTrain: packSequences(teacherRows, gen),
    train: packSequences(trainRows, { ...gen, labelled: nLabelled }),
    val: packSequences(textWindows(ids, trainEnd, valEnd, EVAL_MAX_ROWS), gen),
    test: packSequences(textWindows(ids, valEnd, n, EVAL_MAX_ROWS), gen),
    encodePrompt(prompt: string): number[] {
      // The model's window holds BOS and the last seqLen − 1 characters.
      const chars = splitChars(prompt).slice(-(TEXT_SEQ_LEN - 1));
      return [
        BOS,
        ...chars.map((c) => {
          const id = index.get(c) ?? UNK;
          if (id === undefined) throw new DataError(`the character ${JSON.stringify(c)} does not occur in your text`);
          return id;
        }),
      ];
    },
    decode: (tokens) => decodeWords(vocab, tokens, ''),
    examples,
  };
}

// ---------------------------------------------------------------------------------------------
// CSV

export interface LabelledRow {
  text: string;
  label: string;
  /** 1-based line of the row in the file. */
  line: number;
}

/**
 * Parses and validates a `text,label` CSV. `labels`, when given, is the allow-list of labels.
 * Blank lines are skipped; every other problem throws a DataError naming the line.
 */
export function parseLabelledCsv(input: string, labels?: readonly string[]): LabelledRow[] {
  const csv = normaliseInput(input);
  // Line number of a character offset, counting forward (rows come in order).
  let lineAt = 0;
  let line = 1;
  const lineOf = (offset: number) => {
    for (; lineAt < offset; lineAt++) if (csv.charCodeAt(lineAt) === 10) line++;
    return line;
  };
  const raw: { fields: string[]; line: number }[] = [];
  let cursor = 0;
  let parseError: DataError | null = null;
  Papa.parse<string[]>(csv, {
    delimiter: ',',
    newline: '\n',
    step(result) {
      const start = cursor;
      cursor = result.meta.cursor;
      // Skip the newlines of blank lines before the row so its line is the one it starts on.
      let first = start;
      while (first < cursor && csv.charCodeAt(first) === 10) first++;
      const at = lineOf(first);
      if (result.errors.length && !parseError) {
        const e = result.errors[0];
        const what =
          e.code === 'MissingQuotes'
            ? 'a quoted field is never closed'
            : e.code === 'InvalidQuotes'
              ? 'a quoted field is malformed (write a double quote inside quotes as "")'
              : e.message.toLowerCase();
        parseError = new DataError(`line ${at}: ${what}`);
      }
      raw.push({ fields: result.data, line: at });
    },
  });
  if (parseError) throw parseError;

  const rows = raw.filter((r) => !(r.fields.length === 1 && r.fields[0].trim() === ''));
  if (rows.length === 0) throw new DataError('the input is empty');
  let textCol = 0;
  let labelCol = 1;
  const head = rows[0].fields.map((f) => f.trim().toLowerCase());
  if (head.length === 2 && head.includes('text') && head.includes('label')) {
    textCol = head.indexOf('text');
    labelCol = head.indexOf('label');
    rows.shift();
  }
  const allowed = labels ? new Set(labels) : null;
  const out: LabelledRow[] = [];
  for (const r of rows) {
    if (r.fields.length !== 2) {
      throw new DataError(
        `line ${r.line}: expected 2 fields (text,label) but found ${r.fields.length}; ` +
          'put text that contains commas in double quotes',
      );
    }
    const text = r.fields[textCol].trim();
    const label = r.fields[labelCol].trim();
    if (text === '') throw new DataError(`line ${r.line}: the text is empty`);
    if (label === '') throw new DataError(`line ${r.line}: the label is empty`);
    if (splitWords(text).length === 0) throw new DataError(`line ${r.line}: the text has no letters or digits`);
    if (allowed && !allowed.has(label)) {
      throw new DataError(`line ${r.line}: unknown label "${label}" (expected one of: ${[...allowed].join(', ')})`);
    }
    out.push({ text, label, line: r.line });
  }
  if (out.length < MIN_CSV_ROWS) {
    throw new DataError(`too few examples: ${out.length} rows, need at least ${MIN_CSV_ROWS} rows of text,label`);
  }
  const distinct = [...new Set(out.map((r) => r.label))];
  if (distinct.length < MIN_CLASSES) {
    throw new DataError(
      `too few classes: every row has the label "${distinct[0]}", need at least ${MIN_CLASSES} different labels`,
    );
  }
  if (distinct.length > MAX_CLASSES) {
    throw new DataError(`too many classes: ${distinct.length} different labels, at most ${MAX_CLASSES} are supported`);
  }
  return out;
}

/** Class order: the allow-list's order when given, else natural sort ("2" before "10"). */
function classOrder(rows: readonly LabelledRow[], labels?: readonly string[]): string[] {
  if (labels) return [...new Set(labels)];
  return [...new Set(rows.map((r) => r.label))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true, sensitivity: 'variant' }),
  );
}

/** 80/10/10 split stratified by label (validation and test capped near 500 rows, at least 1 each). */
function stratifiedSplit(rows: readonly LabelledRow[], seed: number): [LabelledRow[], LabelledRow[], LabelledRow[]] {
  const rng = mulberry32(deriveSeed(seed, 'custom-csv:split'));
  const byLabel = new Map<string, LabelledRow[]>();
  for (const r of rows) {
    const list = byLabel.get(r.label) ?? [];
    list.push(r);
    byLabel.set(r.label, list);
  }
  const train: LabelledRow[] = [];
  const val: LabelledRow[] = [];
  const test: LabelledRow[] = [];
  // 10% each, but no more than about EVAL_MAX_ROWS rows: the rest of a large file trains.
  const fraction = Math.min(0.1, EVAL_MAX_ROWS / rows.length);
  for (const label of [...byLabel.keys()].sort()) {
    const list = shuffle(rng, [...(byLabel.get(label) ?? [])]);
    const nVal = Math.round(list.length * fraction);
    const nTest = Math.round(list.length * fraction);
    val.push(...list.slice(0, nVal));
    test.push(...list.slice(nVal, nVal + nTest));
    train.push(...list.slice(nVal + nTest));
  }
  shuffle(rng, train);
  if (val.length === 0) val.push(train.pop() as LabelledRow);
  if (test.length === 0) test.push(train.pop() as LabelledRow);
  return [train, shuffle(rng, val), shuffle(rng, test)];
}

/** Word-level classification on the visitor's `text,label` CSV. */
export function buildCsvTask(input: string, opts: TaskOptions, labels?: readonly string[]): Task {
  const rows = parseLabelledCsv(input, labels);
  const classNames = classOrder(rows, labels);
  const [trainRows, valRows, testRows] = stratifiedSplit(rows, opts.seed);
  const words = (text: string) => splitWords(text).slice(0, CSV_MAX_WORDS);

  const counts = new Map<string, number>();
  for (const r of trainRows) for (const w of words(r.text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const kept = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, CSV_MAX_VOCAB_WORDS)
    .map(([w]) => w)
    .sort();
  const labelTokens = classNames.map((l) => `<label:${l}>`);
  const vocab = [PAD_TOKEN, BOS_TOKEN, SEP_TOKEN, UNK_TOKEN, ...labelTokens, ...kept];
  const index = indexOf(vocab);
  const SEP = 2;
  const UNK = 3;
  const classes: TaskClass[] = classNames.map((name, i) => ({ name, tokenId: 4 + i }));
  const classId = new Map(classNames.map((name, i) => [name, 4 + i]));
  const encodeWords = (text: string) => words(text).map((w) => index.get(w) ?? UNK);
  const row = (r: LabelledRow) => [BOS, ...encodeWords(r.text), SEP, classId.get(r.label) ?? UNK];
  const seqLen = Math.min(
    CSV_MAX_SEQ_LEN,
    rows.reduce((m, r) => Math.max(m, words(r.text).length + 2), 3),
  );
  const cls = { seqLen, score: 'label' as const };

  const order = shuffle(
    mulberry32(deriveSeed(opts.seed, 'custom-csv:train')),
    trainRows.map((_, i) => i),
  );
  const nLabelled = Math.min(opts.labelled, order.length);
  const nTransfer = Math.min(opts.transfer, order.length - nLabelled);
  const studentRows = order.slice(0, nLabelled + nTransfer).map((i) => row(trainRows[i]));

  return {
    id: 'custom-csv',
    title: 'Your labelled text (CSV)',
    description:
      `Classify your ${rows.length.toLocaleString('en-US')} rows into ${classNames.length} labels ` +
      `(${classNames.join(', ')}); split 80/10/10 by label. The student gets labels for ${nLabelled} rows and ` +
      `${nTransfer} more unlabelled rows on which it learns from the teacher.`,
    kind: 'classification',
    vocab,
    classes,
    seqLen,
    teacherTrain: packSequences(trainRows.map(row), cls),
    train: packSequences(studentRows, { ...cls, labelled: nLabelled }),
    val: packSequences(valRows.map(row), cls),
    test: packSequences(testRows.map(row), cls),
    encodePrompt(text: string): number[] {
      const ids = encodeWords(text).slice(0, seqLen - 2);
      if (ids.length === 0) throw new DataError('type some text with letters or digits');
      return [BOS, ...ids, SEP];
    },
    decode: (ids) => decodeWords(vocab, ids),
    examples: valRows.slice(0, 4).map((r) => joinWords(words(r.text).slice(0, seqLen - 2))),
  };
}
