// The app's custom tasks and `predict` on their exported models tokenise with the same functions
// (splitWords / splitChars in src/data/sequences.ts): a Chinese sentence typed into either gives the
// same token ids.

import { describe, expect, it } from 'vitest';
import { encoderFor } from '../src/cli/modelInput';
import { buildCsvTask, buildTextTask } from '../src/data/custom';

const OPTS = { seed: 1, labelled: 200, transfer: 2000 };

describe('one tokenizer for the app and predict', () => {
  it('a Chinese CSV model: predict encodes an unseen sentence as the task does, character by character', () => {
    const rows = ['text,label'];
    const pos = ['这部电影真好看', '演员的表演非常精彩', '剧情感人，值得一看', '我很喜欢这个故事 great'];
    const neg = ['这部电影太无聊了', '演员的表演很差', '剧情拖沓，不值得看', '我不喜欢这个结局 boring'];
    for (let i = 0; i < 40; i++) rows.push(i % 2 ? `${neg[i % 4]},负面` : `${pos[i % 4]},正面`);
    const task = buildCsvTask(rows.join('\n'), OPTS);
    const encode = encoderFor({ kind: 'classification', task: 'custom-csv' }, task.vocab, task.seqLen);
    for (const text of ['这个电影很好看', '表演太差了，boring', 'Great 剧情']) {
      expect(encode(text)).toEqual(task.encodePrompt(text));
    }
    expect(task.decode(encode('剧情很好'))).toBe('剧 情 很 好 <sep>');
  });

  it('a Chinese text model: the same characters, the same ids', () => {
    const text = '学生模型向教师模型学习。教师的软标签带有暗知识，温度越高，分布越平滑。'.repeat(10);
    const task = buildTextTask(text, OPTS);
    const encode = encoderFor({ kind: 'generation', task: 'custom-text' }, task.vocab, task.seqLen);
    expect(encode('教师的软标签')).toEqual(task.encodePrompt('教师的软标签'));
  });
});
