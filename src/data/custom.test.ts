import { describe, expect, it } from 'vitest';
import {
  CSV_MAX_SEQ_LEN,
  MAX_FILE_BYTES,
  MAX_TEXT_SYMBOLS,
  TEXT_CACHE_BYTES,
  TEXT_MAX_VOCAB,
  TEXT_SEQ_LEN,
  buildCsvTask,
  buildTextTask,
  customDataFromFile,
  decodeUserFile,
  firstInvalidUtf8,
  parseLabelledCsv,
} from './custom';
import { joinWords, splitWords } from './sequences';
import { DataError } from './task';
import { checkTask } from './validate';

const OPTS = { seed: 1, labelled: 200, transfer: 2000 };
const TEXT = 'It was the best of times, it was the worst of times; it was the age of wisdom.\n'.repeat(6);

/** A valid CSV: `n` rows over the given labels, optionally with a header. */
function csvOf(n: number, labels = ['pos', 'neg'], header = true): string {
  const lines = header ? ['text,label'] : [];
  for (let i = 0; i < n; i++)
    lines.push(`"review number ${i}, quite ${labels[i % labels.length]}",${labels[i % labels.length]}`);
  return lines.join('\n');
}
/** Replaces 1-based line `line` of a CSV. */
function withLine(csv: string, line: number, content: string): string {
  const lines = csv.split('\n');
  lines[line - 1] = content;
  return lines.join('\n');
}
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error('expected a DataError');
}

describe('customDataFromFile', () => {
  const enc = new TextEncoder();
  it('takes the task from the file name unless one is given, and decodes the bytes once', () => {
    expect(customDataFromFile('Notes.TXT', enc.encode('abc'))).toEqual({ task: 'custom-text', data: { text: 'abc' } });
    expect(customDataFromFile('reviews.csv', enc.encode('t,l'))).toEqual({ task: 'custom-csv', data: { csv: 't,l' } });
    expect(customDataFromFile('data.dat', enc.encode('t,l'), 'custom-csv')).toEqual({
      task: 'custom-csv',
      data: { csv: 't,l' },
    });
  });
  it("rejects other file names and bad bytes with decodeUserFile's reasons", () => {
    expect(errorOf(() => customDataFromFile('notes.pdf', enc.encode('abc')))).toMatch(
      /neither a \.txt nor a \.csv file/,
    );
    expect(errorOf(() => customDataFromFile('notes.txt', new Uint8Array(0)))).toBe('the file is empty');
  });
});

describe('decodeUserFile', () => {
  const enc = new TextEncoder();
  it('decodes UTF-8 and drops a BOM', () => {
    expect(decodeUserFile(enc.encode('héllo, wörld ✓'))).toBe('héllo, wörld ✓');
    expect(decodeUserFile(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe('a');
  });
  it('rejects an empty file', () => {
    expect(errorOf(() => decodeUserFile(new Uint8Array(0)))).toBe('the file is empty');
  });
  it('rejects a file over 5 MB', () => {
    expect(errorOf(() => decodeUserFile(new Uint8Array(MAX_FILE_BYTES + 1).fill(97)))).toMatch(
      /the file is too large \(5\.0 MB\): the limit is 5\.0 MB/,
    );
  });
  it('rejects non-UTF-8 bytes and says where', () => {
    const bytes = new Uint8Array([...enc.encode('hello\nw'), 0xe9, ...enc.encode('rld')]); // Latin-1 "é"
    expect(errorOf(() => decodeUserFile(bytes))).toMatch(
      /not valid UTF-8 text \(first bad byte near offset 7, line 2\)/,
    );
  });
  it('finds the first invalid UTF-8 sequence', () => {
    expect(firstInvalidUtf8(enc.encode('abc ✓ 😀'))).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xc0, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2); // surrogate
    expect(firstInvalidUtf8(new Uint8Array([0xe2, 0x9c]))).toBe(0); // truncated
  });
});

describe('custom text task', () => {
  const task = buildTextTask(TEXT, OPTS);

  it('is character-level with a sorted vocabulary and follows the conventions', () => {
    expect(task.kind).toBe('generation');
    expect(task.seqLen).toBe(32);
    expect(task.vocab.slice(0, 2)).toEqual(['<pad>', '<bos>']);
    const chars = task.vocab.slice(2);
    expect(chars).toEqual([...new Set(TEXT)].sort());
    expect(checkTask(task)).toEqual([]);
  });

  it('splits by position 80/10/10 and caps the student rows to what exists', () => {
    const n = TEXT.length;
    expect(task.teacherTrain.count).toBe(Math.floor(n * 0.8) - 32 + 1);
    expect(task.train.count).toBe(task.teacherTrain.count);
    let labelled = 0;
    for (let i = 0; i < task.train.count; i++) labelled += task.train.hardMask[i * 32];
    expect(labelled).toBe(200);
    const small = buildTextTask(TEXT, { seed: 1, labelled: 10, transfer: 5 });
    expect(small.train.count).toBe(15);
    // Validation windows come from the text between 80% and 90%.
    const region = TEXT.slice(Math.floor(n * 0.8), Math.floor(n * 0.9));
    const first = task.decode(Array.from(task.val.inputs.subarray(0, 32)));
    expect(region.startsWith(first)).toBe(true);
  });

  it('is deterministic per seed', () => {
    const again = buildTextTask(TEXT, OPTS);
    const other = buildTextTask(TEXT, { ...OPTS, seed: 2 });
    expect(Array.from(again.train.inputs)).toEqual(Array.from(task.train.inputs));
    expect(Array.from(other.train.inputs)).not.toEqual(Array.from(task.train.inputs));
  });

  it('encodes prompts and names unknown characters', () => {
    expect(task.decode(task.encodePrompt('it was'))).toBe('it was');
    expect(errorOf(() => task.encodePrompt('it was #'))).toBe('the character "#" does not occur in your text');
  });

  it('rejects empty, short, oversized and symbol-heavy text', () => {
    expect(errorOf(() => buildTextTask('  \n ', OPTS))).toBe('the input is empty');
    expect(errorOf(() => buildTextTask('a'.repeat(150), OPTS))).toBe(
      'too little text: 150 characters, need at least 200',
    );
    expect(errorOf(() => buildTextTask('ab'.repeat(MAX_FILE_BYTES / 2 + 1), OPTS))).toMatch(/the input is too large/);
    const many = Array.from({ length: MAX_TEXT_SYMBOLS + 1 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
    expect(errorOf(() => buildTextTask(many, OPTS))).toMatch(/8001 different characters: at most 8000/);
  });
});

describe('custom CSV task', () => {
  it('builds a classification task with one class token per label', () => {
    const task = buildCsvTask(csvOf(60, ['pos', 'neg', 'mixed']), OPTS);
    expect(task.kind).toBe('classification');
    expect(task.classes?.map((c) => c.name)).toEqual(['mixed', 'neg', 'pos']);
    expect(checkTask(task)).toEqual([]);
    expect(task.teacherTrain.count + task.val.count + task.test.count).toBe(60);
    expect(task.val.count).toBe(6);
    expect(task.test.count).toBe(6);
    expect(task.train.count).toBe(task.teacherTrain.count);
    expect(task.decode(task.encodePrompt('Review number 3, quite POS!'))).toBe('review number 3 quite pos <sep>');
    expect(task.decode(task.encodePrompt('never seen'))).toBe('<unk> <unk> <sep>');
  });

  it('stratifies the split so every class reaches validation and test', () => {
    const task = buildCsvTask(csvOf(100, ['a', 'b', 'c', 'd', 'e']), OPTS);
    for (const set of [task.val, task.test]) {
      const seen = new Set<number>();
      for (let k = 0; k < set.count * set.seqLen; k++) if (set.softMask[k]) seen.add(set.targets[k]);
      expect(seen.size).toBe(5);
    }
  });

  it('caps validation and test near 500 rows on large files', () => {
    const task = buildCsvTask(csvOf(20_000, ['a', 'b', 'c', 'd']), OPTS);
    expect(task.val.count).toBe(500);
    expect(task.test.count).toBe(500);
    expect(task.teacherTrain.count).toBe(19_000);
  });

  it('orders numeric labels naturally and follows an allow-list order', () => {
    expect(buildCsvTask(csvOf(40, ['10', '2', '1']), OPTS).classes?.map((c) => c.name)).toEqual(['1', '2', '10']);
    const t = buildCsvTask(csvOf(40, ['pos', 'neg']), OPTS, ['pos', 'neutral', 'neg']);
    expect(t.classes?.map((c) => c.name)).toEqual(['pos', 'neutral', 'neg']);
  });

  it('detects the header, accepts label,text order, quotes, blank lines and CRLF', () => {
    expect(parseLabelledCsv(csvOf(20, ['x', 'y'], false))).toHaveLength(20);
    expect(parseLabelledCsv(csvOf(20))).toHaveLength(20);
    const swapped = [
      'Label,Text',
      ...Array.from({ length: 20 }, (_, i) => `${i % 2 ? 'odd' : 'even'},"row ${i}, with comma"`),
    ];
    const rows = parseLabelledCsv(swapped.join('\r\n') + '\r\n\r\n');
    expect(rows[0]).toEqual({ text: 'row 0, with comma', label: 'even', line: 2 });
    const gappy = csvOf(20).replace('\n', '\n\n\n');
    expect(parseLabelledCsv(gappy)[0].line).toBe(4);
  });

  it(`truncates long texts to ${CSV_MAX_SEQ_LEN - 2} words`, () => {
    const long = Array.from({ length: 150 }, (_, i) => `w${i}`).join(' ');
    const csv = csvOf(20) + `\n${long},pos`;
    const task = buildCsvTask(csv, OPTS);
    expect(task.seqLen).toBe(CSV_MAX_SEQ_LEN);
    expect(task.encodePrompt(long)).toHaveLength(CSV_MAX_SEQ_LEN);
    // Short rows keep a short block: the cap does not slow down ordinary data.
    expect(buildCsvTask(csvOf(20), OPTS).seqLen).toBe(7);
  });

  describe('rejects bad input with a message naming the problem', () => {
    it('empty input', () => {
      expect(errorOf(() => buildCsvTask('', OPTS))).toBe('the input is empty');
      expect(errorOf(() => buildCsvTask('\n \n', OPTS))).toBe('the input is empty');
    });
    it('too large', () => {
      expect(errorOf(() => buildCsvTask('x,y\n'.repeat(MAX_FILE_BYTES / 4 + 1), OPTS))).toMatch(
        /the input is too large \(5\.0 MB\): the limit is 5\.0 MB/,
      );
    });
    it('a row with the wrong number of fields', () => {
      expect(errorOf(() => buildCsvTask(withLine(csvOf(30), 7, 'great movie,pos,extra'), OPTS))).toBe(
        'line 7: expected 2 fields (text,label) but found 3; put text that contains commas in double quotes',
      );
      expect(errorOf(() => buildCsvTask(withLine(csvOf(30), 12, 'no label here'), OPTS))).toMatch(
        /^line 12: expected 2 fields \(text,label\) but found 1/,
      );
    });
    it('line numbers count quoted multi-line fields and blank lines', () => {
      const csv = 'text,label\n"two\nlines",pos\n\n' + csvOf(25, ['pos', 'neg'], false) + '\nbad,row,here';
      expect(errorOf(() => buildCsvTask(csv, OPTS))).toMatch(/^line 30: expected 2 fields/);
    });
    it('an unclosed or malformed quote', () => {
      expect(errorOf(() => buildCsvTask(csvOf(30) + '\n"never closed,pos', OPTS))).toBe(
        'line 32: a quoted field is never closed',
      );
      expect(errorOf(() => buildCsvTask(withLine(csvOf(30), 5, '"never closed,pos'), OPTS))).toBe(
        'line 5: a quoted field is malformed (write a double quote inside quotes as "")',
      );
    });
    it('empty text or label', () => {
      expect(errorOf(() => buildCsvTask(withLine(csvOf(30), 3, '  ,pos'), OPTS))).toBe('line 3: the text is empty');
      expect(errorOf(() => buildCsvTask(withLine(csvOf(30), 9, 'fine film,'), OPTS))).toBe(
        'line 9: the label is empty',
      );
      expect(errorOf(() => buildCsvTask(withLine(csvOf(30), 4, '!!! ???,pos'), OPTS))).toBe(
        'line 4: the text has no letters or digits',
      );
    });
    it('too few examples', () => {
      expect(errorOf(() => buildCsvTask(csvOf(19), OPTS))).toBe(
        'too few examples: 19 rows, need at least 20 rows of text,label',
      );
    });
    it('too few classes', () => {
      expect(errorOf(() => buildCsvTask(csvOf(30, ['pos']), OPTS))).toBe(
        'too few classes: every row has the label "pos", need at least 2 different labels',
      );
    });
    it('too many classes', () => {
      const labels = Array.from({ length: 21 }, (_, i) => `c${i}`);
      expect(errorOf(() => buildCsvTask(csvOf(42, labels), OPTS))).toBe(
        'too many classes: 21 different labels, at most 20 are supported',
      );
    });
    it('a label outside the allow-list', () => {
      expect(errorOf(() => buildCsvTask(withLine(csvOf(30), 8, 'meh film,meh'), OPTS, ['pos', 'neg']))).toBe(
        'line 8: unknown label "meh" (expected one of: pos, neg)',
      );
    });
  });
});

// Chinese as the learner's own data: the course material and the learners' own text are Chinese.
describe('Chinese data', () => {
  const POS = [
    '这部电影真好看',
    '演员的表演非常精彩',
    '剧情感人，值得一看',
    '画面很美，音乐也好听',
    '我很喜欢这个故事',
  ];
  const NEG = ['这部电影太无聊了', '演员的表演很差', '剧情拖沓，不值得看', '画面粗糙，音乐难听', '我不喜欢这个结局'];
  const csv = [
    'text,label',
    ...Array.from({ length: 40 }, (_, i) => (i % 2 ? `${NEG[i % 5]},负面` : `${POS[i % 5]},正面`)),
  ].join('\n');

  it('splits Chinese into characters and keeps Latin words whole', () => {
    expect(splitWords('这部电影真好看，I loved it! 3D效果')).toEqual([
      '这',
      '部',
      '电',
      '影',
      '真',
      '好',
      '看',
      'i',
      'loved',
      'it',
      '3d',
      '效',
      '果',
    ]);
    expect(splitWords('東京タワー')).toEqual(['東', '京', 'タ', 'ワ', 'ー']);
    expect(joinWords(['我', '喜', '欢', 'the', 'movie', '很', '好'])).toBe('我喜欢the movie很好');
  });

  it('a Chinese CSV: an unseen sentence is made of known characters, not one <unk> clause', () => {
    const task = buildCsvTask(csv, OPTS);
    expect(checkTask(task)).toEqual([]);
    expect(task.classes?.map((c) => c.name).sort()).toEqual(['正面', '负面'].sort());
    expect(task.vocab).toContain('电');
    expect(task.vocab).not.toContain('这部电影真好看');
    // Never in the file as a sentence; every character of it is.
    const ids = task.encodePrompt('这个电影很好看');
    const decoded = task.decode(ids);
    expect(decoded).toBe('这 个 电 影 很 好 看 <sep>');
    expect(decoded).not.toMatch(/<unk>/);
    expect(task.examples.every((e) => !/ /.test(e))).toBe(true); // examples read as Chinese, without spaces
  });

  it('a Chinese text: character-level, past the old 256-character cap', () => {
    // 600 different Han characters in a text of 3,000: refused before (at most 256).
    const chars = Array.from({ length: 600 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 37) % 2000)));
    const text = Array.from({ length: 3000 }, (_, i) => chars[(i * 7 + (i >> 4)) % 600]).join('') + '。';
    const task = buildTextTask(text, OPTS);
    expect(checkTask(task)).toEqual([]);
    expect(task.vocab.length).toBe(2 + 601);
    expect(task.vocab).not.toContain('<unk>');
    expect(task.decode(task.encodePrompt(chars.slice(0, 5).join('')))).toBe(chars.slice(0, 5).join(''));
    // The teacher-output cache bound: rows × 32 × vocabulary × 4 bytes.
    expect(task.train.count * TEXT_SEQ_LEN * task.vocab.length * 4).toBeLessThanOrEqual(TEXT_CACHE_BYTES);
  });

  it('beyond TEXT_MAX_VOCAB distinct characters, the rarest become <unk> and the description says how many', () => {
    const n = TEXT_MAX_VOCAB + 200;
    // Character i appears (n − i) times or so: the last 200 are the rarest.
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(String.fromCodePoint(0x4e00 + i).repeat(i < TEXT_MAX_VOCAB ? 3 : 1));
    const task = buildTextTask(parts.join(''), OPTS);
    expect(checkTask(task)).toEqual([]);
    expect(task.vocab.slice(0, 3)).toEqual(['<pad>', '<bos>', '<unk>']);
    expect(task.vocab.length).toBe(3 + TEXT_MAX_VOCAB);
    expect(task.description).toMatch(/the other 200 .* are <unk>/);
    const rare = String.fromCodePoint(0x4e00 + n - 1);
    expect(task.decode(task.encodePrompt(rare))).toBe('<unk>');
    expect(task.train.count).toBe(Math.floor(TEXT_CACHE_BYTES / (4 * TEXT_SEQ_LEN * task.vocab.length)));
    expect(task.description).toMatch(/cache holds \d+ training rows/);
  });
});
