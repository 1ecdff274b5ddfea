// Sequence-level KD (sequenceKd.ts): the corpus is the teacher's own samples, packed for next-token
// training; the cross-entropy step's loss is the model's NLL of the corpus; and a student trained on
// the corpus of a teacher that always writes one sentence learns to write it.

import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGrammarTask } from '../data/grammar';
import { BOS } from '../data/sequences';
import { GPT } from '../model/gpt';
import { deriveSeed } from '../rng';
import { useBackend } from '../../tests/parity/measure';
import { DEFAULT_ADAMW } from './adamw';
import { sampleMany, sampledRow, type SamplingModel } from './sampling';
import { CrossEntropyStep, transferCorpus } from './sequenceKd';
import { modelConfigFor } from './steps';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const task = buildGrammarTask({ seed: 1, labelled: 4, transfer: 0 });
const V = task.vocab.length;
const EOS = task.vocab.indexOf('<eos>');
const SENTENCE = [BOS, ...task.encodePrompt('the cat sleeps').slice(1), EOS];

/** A teacher that always writes SENTENCE. */
const parrot: SamplingModel = {
  config: { blockSize: task.seqLen, vocabSize: V },
  forward(ids: tf.Tensor2D) {
    const [B, T] = ids.shape;
    const logits = new Float32Array(B * T * V).fill(-30);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) logits[(b * T + t) * V + (SENTENCE[t + 1] ?? EOS)] = 30;
    return { logits: tf.tensor3d(logits, [B, T, V]) };
  },
};

describe('transferCorpus', () => {
  it('is the teacher’s own samples, packed with every position scored', async () => {
    await useBackend('cpu');
    const teacher = GPT.init(modelConfigFor({ nLayer: 1, nHead: 2, nEmbd: 16 }, task), 8, false);
    const { sentences, set } = await transferCorpus(teacher, 5, 4, EOS);
    const again = await sampleMany(teacher, 5, 256, deriveSeed(4, 'corpus'), { eos: EOS });
    expect(sentences).toEqual(Array.from({ length: 5 }, (_, i) => sampledRow(again[0], i)));
    expect(set.count).toBe(5);
    const T = task.seqLen;
    sentences.forEach((s, i) => {
      for (let t = 0; t < s.length - 1; t++) {
        expect(set.inputs[i * T + t]).toBe(s[t]);
        expect(set.targets[i * T + t]).toBe(s[t + 1]);
        expect(set.hardMask[i * T + t]).toBe(1);
      }
    });
    await expect(transferCorpus(teacher, 0, 4, EOS)).rejects.toThrow(/whole size ≥ 1 \(got 0\)/);
    teacher.dispose();
  });
});

describe('CrossEntropyStep', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`reports the model's NLL of the corpus and learns a one-sentence teacher (${backend})`, async () => {
      await useBackend(backend);
      const { sentences, set } = await transferCorpus(parrot, 16, 1, EOS);
      expect(sentences.every((s) => s.join() === SENTENCE.join())).toBe(true);
      const before = tf.memory().numTensors;
      const student = GPT.init(modelConfigFor({ nLayer: 1, nHead: 2, nEmbd: 16 }, task), 2);
      // NLL of the sentence under the initial student, by hand from its probabilities
      const probs = tf.tidy(() =>
        tf.softmax(student.forward(tf.tensor2d([SENTENCE.slice(0, -1)], [1, SENTENCE.length - 1], 'int32')).logits),
      );
      const p = await probs.data();
      probs.dispose();
      let nll = 0;
      for (let t = 0; t < SENTENCE.length - 1; t++) nll -= Math.log(p[t * V + SENTENCE[t + 1]]);
      nll /= SENTENCE.length - 1;
      const trainer = new CrossEntropyStep(student, set, 1, DEFAULT_ADAMW);
      const first = trainer.step(4, 1e-2);
      expect((await first.data())[0]).toBeCloseTo(nll, 4);
      first.dispose();
      for (let k = 0; k < 60; k++) trainer.step(4, 1e-2).dispose();
      const out = await sampleMany(student, 20, 20, 9, { eos: EOS });
      const copies = Array.from({ length: 20 }, (_, i) => sampledRow(out[0], i).join()).filter(
        (r) => r === SENTENCE.join(),
      );
      expect(copies.length).toBeGreaterThanOrEqual(18);
      trainer.dispose();
      student.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
