import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../rng';
import { buildGrammarTask, enumerateGrammar, grammarLanguage } from './grammar';
import { DataError } from './task';

const task = buildGrammarTask({ seed: 3, labelled: 200, transfer: 2000 });
const lang = grammarLanguage();
const V = task.vocab.length;
const id = (w: string) => task.vocab.indexOf(w);
const prefix = (text: string) => task.encodePrompt(text);
const prob = (text: string, next: string) => task.trueNextAfter?.(prefix(text))?.[id(next)] ?? NaN;

describe('grammar language', () => {
  it('is finite, at most 20k sentences, with probabilities summing to 1', () => {
    const sentences = enumerateGrammar();
    expect(sentences.length).toBe(lang.size);
    expect(lang.size).toBeLessThanOrEqual(20_000);
    expect(new Set(sentences.map(([w]) => w.join(' '))).size).toBe(sentences.length);
    expect(sentences.reduce((s, [, p]) => s + p, 0)).toBeCloseTo(1, 10);
  });

  it('needs context: determiners fix number, verbs agree with the subject across a PP', () => {
    expect(prob('a', 'cats')).toBe(0);
    expect(prob('a', 'cat')).toBeGreaterThan(0);
    expect(prob('some', 'cat')).toBe(0);
    expect(prob('the cat near the dogs', 'sleep')).toBe(0);
    expect(prob('the cat near the dogs', 'sleeps')).toBeGreaterThan(0);
    expect(prob('the cats near the dog', 'sleeps')).toBe(0);
    expect(prob('the bird', 'sings')).toBeGreaterThan(prob('the dog', 'sings'));
    expect(prob('the dog chases the cat', '<eos>')).toBeCloseTo(1, 6);
  });

  it('returns null outside the language', () => {
    expect(task.trueNextAfter?.(prefix('cat the'))).toBeNull();
    expect(task.trueNextAfter?.([id('the')])).toBeNull();
    expect(task.trueNextAfter?.([...prefix('the cat sleeps'), id('<eos>')])).toBeNull();
  });

  it('gives next-token distributions that sum to 1', () => {
    for (const p of ['', 'the', 'some big', 'the cat with the birds', 'a dog sees']) {
      const d = task.trueNextAfter?.(prefix(p));
      expect(d).not.toBeNull();
      expect(Array.from(d ?? []).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 5);
    }
  });
});

describe('grammar splits', () => {
  it('carry trueNext on val and test only, summing to 1 at scored positions and 0 elsewhere', () => {
    expect(task.teacherTrain.trueNext).toBeUndefined();
    expect(task.train.trueNext).toBeUndefined();
    for (const set of [task.val, task.test]) {
      const tn = set.trueNext;
      expect(tn?.length).toBe(set.count * set.seqLen * V);
      let worstSum = 0;
      let worstPrefix = 0;
      let zeroTargets = 0;
      for (let k = 0; k < set.count * set.seqLen; k++) {
        let sum = 0;
        for (let v = 0; v < V; v++) sum += tn?.[k * V + v] ?? 0;
        worstSum = Math.max(worstSum, Math.abs(sum - set.softMask[k]));
        if (!set.softMask[k]) continue;
        if (!((tn?.[k * V + set.targets[k]] ?? 0) > 0)) zeroTargets++;
        // The same distribution the task reports for the row's prefix.
        const row = Math.floor(k / set.seqLen);
        const t = k % set.seqLen;
        const want = task.trueNextAfter?.(Array.from(set.inputs.subarray(row * set.seqLen, row * set.seqLen + t + 1)));
        for (let v = 0; v < V; v++)
          worstPrefix = Math.max(worstPrefix, Math.abs((tn?.[k * V + v] ?? 0) - (want?.[v] ?? NaN)));
      }
      expect(worstSum).toBeLessThan(1e-5);
      expect(worstPrefix).toBeLessThan(1e-7);
      expect(zeroTargets).toBe(0);
    }
  });

  it('scores every real next token, ending with <eos>', () => {
    const set = task.val;
    const eos = id('<eos>');
    for (let i = 0; i < set.count; i++) {
      let last = -1;
      for (let t = 0; t < set.seqLen; t++) if (set.softMask[i * set.seqLen + t]) last = t;
      expect(set.targets[i * set.seqLen + last]).toBe(eos);
    }
  });

  it('samples match the exact next-token distributions', () => {
    const rng = mulberry32(99);
    const counts = new Map<string, Float64Array>();
    for (let n = 0; n < 40_000; n++) {
      const s = lang.sample(rng);
      for (let t = 0; t < s.length - 1; t++) {
        const key = s.slice(0, t + 1).join(',');
        let c = counts.get(key);
        if (!c) counts.set(key, (c = new Float64Array(V)));
        c[s[t + 1]]++;
      }
    }
    let checked = 0;
    for (const [key, c] of counts) {
      const total = c.reduce((a, b) => a + b, 0);
      if (total < 2000) continue;
      const truth = lang.nextAfter(key.split(',').map(Number));
      expect(truth).not.toBeNull();
      let tv = 0;
      for (let v = 0; v < V; v++) tv += Math.abs(c[v] / total - (truth?.[v] ?? 0)) / 2;
      expect(tv).toBeLessThan(0.03);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('encodes prompts as [BOS, words] and names unknown words', () => {
    expect(task.encodePrompt('The cat')).toEqual([1, id('the'), id('cat')]);
    expect(() => task.encodePrompt('the unicorn')).toThrow(DataError);
    expect(() => task.encodePrompt('the unicorn')).toThrow(/unknown word "unicorn"/);
  });
});
