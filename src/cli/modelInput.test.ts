import { describe, expect, it } from 'vitest';
import { classTokens, decodePrediction, encoderFor, parseTokenIds } from './modelInput';

describe('predict input and output (modelInput)', () => {
  it('parses --tokens and refuses empty ids instead of reading them as 0 (PAD)', () => {
    expect(parseTokenIds('1,5, 16', 17)).toEqual([1, 5, 16]);
    expect(() => parseTokenIds('', 17)).toThrow(/--tokens is empty/);
    expect(() => parseTokenIds('  ', 17)).toThrow(/--tokens is empty/);
    expect(() => parseTokenIds('1,,16', 17)).toThrow(/id 2 is empty/);
    expect(() => parseTokenIds('1,16,', 17)).toThrow(/id 3 is empty/);
    expect(() => parseTokenIds(',1', 17)).toThrow(/id 1 is empty/);
    expect(() => parseTokenIds('1,17', 17)).toThrow(/token "17" is not an id in 0\.\.16/);
    expect(() => parseTokenIds('1,-2', 17)).toThrow(/token "-2" is not an id/);
    expect(() => parseTokenIds('1,2.5', 17)).toThrow(/token "2\.5" is not an id/);
    expect(() => parseTokenIds('1,0x3', 17)).toThrow(/token "0x3" is not an id/);
  });

  it('decodes the best class token for classification, the best token otherwise', () => {
    const vocab = ['<pad>', '<bos>', 'a', 'b', 'neg', 'pos'];
    const last = [9, 0, 5, 0, 1, 2]; // PAD has the top logit, but only class tokens compete
    const extra = { classes: ['neg', 'pos'], class_token_ids: [4, 5] };
    expect(decodePrediction(last, extra, vocab)).toEqual({ prediction: 'pos', predictionId: 5 });
    expect(decodePrediction(last, { classes: null, class_token_ids: null }, vocab)).toEqual({
      prediction: '<pad>',
      predictionId: 0,
    });
    expect(() => classTokens({ classes: ['neg', 'pos'], class_token_ids: [4, 6] }, 6)).toThrow(
      /class_token_ids must be token ids in 0\.\.5/,
    );
    expect(() => classTokens({ classes: ['neg'], class_token_ids: [4, 5] }, 6)).toThrow(
      /classes must name each of the 2/,
    );
  });

  it('encodes custom classification text as the app does: [BOS, words or <unk>, SEP], cut to the block', () => {
    const vocab = ['<pad>', '<bos>', '<sep>', '<unk>', 'neg', 'pos', 'good', 'film'];
    const enc = encoderFor({ task: 'custom-csv', kind: 'classification' }, vocab, 5);
    expect(enc('Good film!')).toEqual([1, 6, 7, 2]);
    expect(enc('good odd film film')).toEqual([1, 6, 3, 7, 2]); // 3 words fit a block of 5
    expect(() => enc('!!!')).toThrow(/no words/);
    const chars = encoderFor({ task: 'custom-text', kind: 'generation' }, ['<pad>', '<bos>', 'a', 'b'], 3);
    expect(chars('abab')).toEqual([1, 2, 3]); // BOS and the last 2 characters
    expect(() => chars('abc')).toThrow(/character "c" is not in the model's vocabulary/);
  });
});
