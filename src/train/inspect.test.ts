import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../model/gpt';
import { continuePrompt, forwardLatencies, inspectModel, windowIds } from './inspect';

const config = { nLayer: 2, nHead: 2, nEmbd: 16, vocabSize: 12, blockSize: 6, bias: false, dropout: 0 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('inspect', () => {
  it('returns the last-position logits (optionally over some columns) and causal attention maps', async () => {
    const model = GPT.init(config, 3);
    const ids = [1, 4, 5, 6];
    const everything = async () => {
      await inspectModel(model, ids, [2, 7]);
      await continuePrompt(model, ids, { maxNew: 4 });
      expect((await forwardLatencies({ a: model, b: model }, ids, 1)).b).toBeGreaterThan(0);
    };
    await everything(); // the model caches one causal mask per length it sees
    const before = tf.memory().numTensors;
    const all = await inspectModel(model, ids, null);
    const some = await inspectModel(model, ids, [2, 7]);
    const ref = tf.tidy(() =>
      model
        .forward(tf.tensor2d(ids, [1, 4], 'int32'))
        .logits.slice([0, 3, 0], [1, 1, -1])
        .reshape([-1]),
    );
    const refV = await ref.data();
    ref.dispose();
    all.logits.forEach((v, i) => expect(v).toBeCloseTo(refV[i], 5));
    expect(Array.from(some.logits)).toEqual([all.logits[2], all.logits[7]]);
    expect(all.attention).toHaveLength(2);
    expect(all.attention[0]).toHaveLength(2);
    for (const layer of all.attention) {
      for (const map of layer) {
        expect(map).toHaveLength(16);
        for (let r = 0; r < 4; r++) {
          let sum = 0;
          for (let c = 0; c < 4; c++) {
            sum += map[r * 4 + c];
            if (c > r) expect(map[r * 4 + c]).toBeCloseTo(0, 6); // causal
          }
          expect(sum).toBeCloseTo(1, 5);
        }
      }
    }
    await everything();
    expect(tf.memory().numTensors).toBe(before); // no leaks
    model.dispose();
  });

  it('continues greedily (deterministic) or by seeded sampling, stops at the stop token, never emits banned ids', async () => {
    const model = GPT.init(config, 5);
    const g1 = await continuePrompt(model, [1, 3], { maxNew: 8, banned: [0, 1] });
    const g2 = await continuePrompt(model, [1, 3], { maxNew: 8, banned: [0, 1] });
    expect(g1).toEqual(g2);
    expect(g1).toHaveLength(8); // longer than the block: the window slides
    const s1 = await continuePrompt(model, [1, 3], { maxNew: 8, seed: 9, banned: [0, 1] });
    const s2 = await continuePrompt(model, [1, 3], { maxNew: 8, seed: 9, banned: [0, 1] });
    expect(s1).toEqual(s2);
    expect([...g1, ...s1].every((t) => t !== 0 && t !== 1)).toBe(true);
    const stop = g1[2];
    const cut = await continuePrompt(model, [1, 3], { maxNew: 8, banned: [0, 1], stopId: stop });
    expect(cut.at(-1)).toBe(stop);
    expect(cut.length).toBeLessThanOrEqual(3);
    model.dispose();
  });

  it('keeps BOS and the most recent tokens when a prompt outgrows the block', () => {
    expect(windowIds([1, 2, 3], 6)).toEqual([1, 2, 3]);
    expect(windowIds([1, 2, 3, 4, 5, 6, 7, 8], 4)).toEqual([1, 6, 7, 8]);
  });
});
