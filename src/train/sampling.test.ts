// Batched sampling (sampling.ts): forced logits give the forced tokens, the distributions a row was
// drawn from are the model's own at that prefix (causality and bookkeeping), the batch split does
// not change a row, and cpu, wasm (and webgpu where Node has an adapter) draw the same tokens.

import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../config';
import { BOS, PAD } from '../data/sequences';
import { GPT } from '../model/gpt';
import { initNodeWebGPU, releaseNodeWebGPU } from '../cli/webgpu-node';
import { useBackend, type ParityBackend } from '../../tests/parity/measure';
import { drawFrom, sampleMany, sampleSequences, sampledProbs, sampledRow, type SamplingModel } from './sampling';

const gpu = await initNodeWebGPU();
if (!gpu.ok) console.warn(`[sampling] skipping webgpu: ${gpu.reason}`);
const BACKENDS: ParityBackend[] = gpu.ok ? ['cpu', 'wasm', 'webgpu'] : ['cpu', 'wasm'];

afterAll(async () => {
  if (gpu.ok) await releaseNodeWebGPU('cpu');
  else await tf.setBackend('cpu');
});

const EOS = 2;
const TINY: ModelConfig = { nLayer: 1, nHead: 2, nEmbd: 16, vocabSize: 7, blockSize: 6, bias: false, dropout: 0 };

/** A stand-in model: at input position t the logits put all mass on rule(t, token at t). */
function forced(rule: (t: number, token: number) => number, blockSize = 6, vocabSize = 7): SamplingModel {
  return {
    config: { blockSize, vocabSize },
    forward(ids: tf.Tensor2D) {
      const [B, T] = ids.shape;
      const x = ids.arraySync();
      const logits = new Float32Array(B * T * vocabSize).fill(-30);
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) logits[(b * T + t) * vocabSize + rule(t, x[b][t])] = 30;
      return { logits: tf.tensor3d(logits, [B, T, vocabSize]) };
    },
  };
}

describe('drawFrom', () => {
  it('inverts the CDF by hand', () => {
    const p = [0.2, 0.3, 0, 0.5];
    expect(drawFrom(p, 0, 4, 0)).toBe(0);
    expect(drawFrom(p, 0, 4, 0.19)).toBe(0);
    expect(drawFrom(p, 0, 4, 0.21)).toBe(1);
    expect(drawFrom(p, 0, 4, 0.5)).toBe(3); // never the zero-mass token
    expect(drawFrom(p, 0, 4, 0.99)).toBe(3);
    expect(drawFrom([9, 0.25, 0.75, 0], 1, 3, 0.999999999)).toBe(1); // offset; round-off lands on the last token with mass
  });
});

describe('sampleSequences with forced logits', () => {
  it('samples what it must and stops at EOS', async () => {
    await useBackend('cpu');
    // BOS → 4 → 5 → 6 → EOS
    const chain = forced((_, tok) => (tok === BOS ? 4 : tok === 6 ? EOS : tok + 1));
    const s = await sampleSequences(chain, 3, 1, { eos: EOS, keepProbs: true });
    for (let i = 0; i < 3; i++) expect(sampledRow(s, i)).toEqual([BOS, 4, 5, 6, EOS]);
    expect(Array.from(s.tokens.subarray(0, s.width))).toEqual([BOS, 4, 5, 6, EOS, PAD, PAD]);
    const probs = sampledProbs(s, 0, 7);
    expect(probs.length).toBe(4);
    expect(probs[1][5]).toBeCloseTo(1, 6);
  });

  it('stops at the block size when EOS never comes', async () => {
    await useBackend('cpu');
    const s = await sampleSequences(
      forced(() => 3),
      2,
      1,
      { eos: EOS },
    );
    expect(s.width).toBe(7);
    expect(sampledRow(s, 1)).toEqual([BOS, 3, 3, 3, 3, 3, 3]);
    expect(s.probs).toBeUndefined();
  });

  it('rejects a bad count or EOS with a clear message', async () => {
    await expect(
      sampleSequences(
        forced(() => 3),
        0,
        1,
        { eos: EOS },
      ),
    ).rejects.toThrow(/whole count ≥ 1 \(got 0\)/);
    await expect(
      sampleSequences(
        forced(() => 3),
        2,
        1,
        { eos: 9 },
      ),
    ).rejects.toThrow(/EOS id 9 is outside/);
  });
});

describe('sampleSequences on a GPT', () => {
  it('draws each token from the model’s own distribution at that prefix (causality), and leaks nothing', async () => {
    await useBackend('cpu');
    const before = tf.memory().numTensors;
    const model = GPT.init(TINY, 3, false);
    const s = await sampleSequences(model, 8, 13, { eos: EOS, keepProbs: true });
    expect(s.lengths.some((n) => n < s.width)).toBe(true); // some rows stopped at EOS
    for (let i = 0; i < 8; i++) {
      const row = sampledRow(s, i);
      expect(row.slice(0, -1)).not.toContain(EOS); // nothing drawn after EOS
      expect(Array.from(s.tokens.subarray(i * s.width + row.length, (i + 1) * s.width)).every((x) => x === PAD)).toBe(
        true,
      );
    }
    // one forward over the whole padded rows: position t sees only tokens ≤ t, so it must equal what sampling saw
    const full = tf.tidy(() => {
      const rows = tf.tensor2d(s.tokens, [8, s.width], 'int32').slice([0, 0], [8, TINY.blockSize]) as tf.Tensor2D;
      return tf.softmax(model.forward(rows).logits);
    });
    const f = (await full.data()) as Float32Array;
    full.dispose();
    let compared = 0;
    for (let i = 0; i < 8; i++) {
      const probs = sampledProbs(s, i, TINY.vocabSize);
      probs.forEach((p, t) => {
        for (let v = 0; v < TINY.vocabSize; v++)
          expect(p[v]).toBeCloseTo(f[(i * TINY.blockSize + t) * TINY.vocabSize + v], 5);
        expect(p[sampledRow(s, i)[t + 1]]).toBeGreaterThan(0);
        compared++;
      });
    }
    expect(compared).toBeGreaterThan(8);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('draws the same rows whatever the batch split', async () => {
    await useBackend('cpu');
    const model = GPT.init(TINY, 4, false);
    const whole = await sampleMany(model, 10, 10, 5, { eos: EOS });
    const split = await sampleMany(model, 10, 3, 5, { eos: EOS });
    const rows = (bs: typeof whole) => bs.flatMap((b) => Array.from({ length: b.count }, (_, i) => sampledRow(b, i)));
    expect(rows(split)).toEqual(rows(whole));
    const other = await sampleMany(model, 10, 10, 6, { eos: EOS });
    expect(rows(other)).not.toEqual(rows(whole));
    model.dispose();
  });

  it(`gives identical token sequences on ${BACKENDS.join(', ')} for the same seed`, async () => {
    const byBackend: number[][][] = [];
    for (const b of BACKENDS) {
      await useBackend(b);
      const model = GPT.init(TINY, 7, false);
      const s = await sampleSequences(model, 16, 21, { eos: EOS });
      byBackend.push(Array.from({ length: 16 }, (_, i) => sampledRow(s, i)));
      model.dispose();
    }
    // the draw is not degenerate: different rows, several lengths
    expect(new Set(byBackend[0].map((r) => r.join())).size).toBeGreaterThan(8);
    for (const rows of byBackend.slice(1)) expect(rows).toEqual(byBackend[0]);
  });
});
