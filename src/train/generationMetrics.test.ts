import { describe, expect, it } from 'vitest';
import { buildGrammarTask, grammarLanguage } from '../data/grammar';
import { BOS } from '../data/sequences';
import { mulberry32 } from '../rng';
import {
  distinctN,
  entropyOf,
  generationMetrics,
  isSentence,
  klDivergence,
  truthGenerations,
  type LanguageTruth,
} from './generationMetrics';

// A hand-made language over <pad> 0, <bos> 1, <eos> 2, a 3, b 4: "a" (½), "a b" (¼), "b" (¼).
const EOS = 2;
const dist = (entries: Record<number, number>) => {
  const d = new Float32Array(5);
  for (const [k, v] of Object.entries(entries)) d[Number(k)] = v;
  return d;
};
const TABLE: Record<string, Float32Array> = {
  '1': dist({ 3: 0.75, 4: 0.25 }),
  '1,3': dist({ 2: 2 / 3, 4: 1 / 3 }),
  '1,3,4': dist({ 2: 1 }),
  '1,4': dist({ 2: 1 }),
};
const tiny: LanguageTruth = { nextAfter: (ids) => TABLE[ids.join(',')] ?? null, eos: EOS, bos: BOS };

describe('generation metrics on a hand-made language', () => {
  // g1 = "a" (a sentence); g2 = "b b" cut at the block size (not one).
  const generations = [
    { tokens: [1, 3, 2], probs: [dist({ 3: 0.5, 4: 0.5 }), dist({ 2: 0.5, 3: 0.25, 4: 0.25 })] },
    { tokens: [1, 4, 4], probs: [dist({ 3: 0.5, 4: 0.5 }), dist({ 2: 0.5, 4: 0.5 })] },
  ];
  const m = generationMetrics(tiny, generations);

  it('counts sentences, finished generations and distinct sentences', () => {
    expect(m.count).toBe(2);
    expect(m.validity).toBe(0.5);
    expect(m.finished).toBe(0.5);
    expect(m.distinctSentences).toBe(1);
  });

  it('averages the entropy over every sampled position', () => {
    // ln 2, 1.5 ln 2, ln 2, ln 2
    expect(m.entropy).toBeCloseTo((4.5 * Math.LN2) / 4, 6);
  });

  it('gives distinct-1/2/3 of the words without BOS and EOS', () => {
    // words: [a], [b, b] → unigrams {a, b} of 3, bigrams {bb} of 1, no trigram
    expect(m.distinct[0]).toBeCloseTo(2 / 3, 12);
    expect(m.distinct[1]).toBe(1);
    expect(m.distinct[2]).toBe(0);
  });

  it('gives the forward KL to the truth and the off-language mass along the model’s own prefixes', () => {
    // after <bos> twice: .75 ln 1.5 + .25 ln .5; after "a": ⅔ ln(4/3) + ⅓ ln(4/3); after "b": ln 2
    const first = 0.75 * Math.log(1.5) + 0.25 * Math.log(0.5);
    expect(m.klToTruth).toBeCloseTo((2 * first + Math.log(4 / 3) + Math.LN2) / 4, 6);
    // q on forbidden tokens: 0, ¼ (a after "a"), 0, ½ (b after "b")
    expect(m.offLanguageMass).toBeCloseTo(0.75 / 4, 6);
    expect(m.inLanguagePositions).toBe(1);
  });

  it('leaves positions after a prefix outside the language out of the KL', () => {
    const off = generationMetrics(tiny, [
      { tokens: [1, 4, 3, 2], probs: [dist({ 4: 1 }), dist({ 3: 1 }), dist({ 2: 1 })] },
    ]);
    // only <bos> and "b" are prefixes ("b a" is not); at <bos> q(a) = 0 where p(a) = ¾: KL = +∞
    expect(off.inLanguagePositions).toBeCloseTo(2 / 3, 12);
    expect(off.klToTruth).toBe(Infinity);
    expect(off.validity).toBe(0);
  });

  it('rejects a generation whose distributions do not match its tokens', () => {
    expect(() => generationMetrics(tiny, [{ tokens: [1, 3, 2], probs: [dist({ 3: 1 })] }])).toThrow(
      /3 tokens needs 2 distributions, got 1/,
    );
  });
});

describe('the helpers', () => {
  it('entropy and KL by hand', () => {
    expect(entropyOf([0.5, 0.5, 0])).toBeCloseTo(Math.LN2, 12);
    expect(entropyOf([1, 0])).toBe(0);
    expect(klDivergence([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 12);
    expect(klDivergence([0.5, 0.5], [1, 0])).toBe(Infinity);
    expect(klDivergence([1, 0], [0.5, 0.5])).toBeCloseTo(Math.LN2, 12);
  });

  it('distinct-n needs a whole n ≥ 1', () => {
    expect(() => distinctN([[1, 2]], 0)).toThrow(/whole n ≥ 1/);
    expect(distinctN([[1, 2, 1, 2]], 2)).toBeCloseTo(2 / 3, 12);
  });
});

describe('against the grammar', () => {
  const lang = grammarLanguage();
  const task = buildGrammarTask({ seed: 1, labelled: 1, transfer: 0 });
  const truth: LanguageTruth = { nextAfter: lang.nextAfter, eos: task.vocab.indexOf('<eos>'), bos: BOS };
  const ids = (text: string) => [...task.encodePrompt(text), truth.eos];

  it('knows its sentences', () => {
    expect(isSentence(truth, ids('the cat near the dogs sleeps'))).toBe(true);
    expect(isSentence(truth, ids('the cat near the dogs sleep'))).toBe(false);
    expect(isSentence(truth, ids('the cat'))).toBe(false);
    expect(isSentence(truth, task.encodePrompt('the cat sleeps'))).toBe(false); // no EOS
  });

  it('scores the language’s own samples as valid with zero KL and no off-language mass', () => {
    const rng = mulberry32(7);
    const sentences = Array.from({ length: 200 }, () => lang.sample(rng));
    const m = generationMetrics(truth, truthGenerations(truth, sentences));
    expect(m.validity).toBe(1);
    expect(m.finished).toBe(1);
    expect(m.klToTruth).toBeCloseTo(0, 6);
    expect(m.offLanguageMass).toBe(0);
    expect(m.entropy).toBeGreaterThan(0.5);
    expect(m.distinct[0]).toBeLessThan(m.distinct[1]);
  });
});
