// The on-policy bench (onPolicy.ts) on tiny shapes: every subject measured, ratios against logit KD
// from the same rounds, the on-policy step's kernels include its sampling's, nothing leaks.

import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGrammarTask } from '../data/grammar';
import { GPT } from '../model/gpt';
import { modelConfigFor } from '../train/steps';
import { useBackend } from '../../tests/parity/measure';
import { DEFAULT_ON_POLICY_BENCH, ON_POLICY_SUBJECTS, onPolicyReport, runOnPolicyBench } from './onPolicy';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('runOnPolicyBench', () => {
  it('measures every subject relative to logit KD and leaks nothing (wasm)', async () => {
    await useBackend('wasm');
    const task = buildGrammarTask({ seed: 1, labelled: 200, transfer: 2000 });
    const teacher = GPT.init(modelConfigFor({ nLayer: 1, nHead: 2, nEmbd: 16 }, task), 3, false);
    for (let T = 1; T <= task.seqLen; T++)
      tf.tidy(() => teacher.forward(tf.zeros([1, T], 'int32') as tf.Tensor2D).logits);
    const before = tf.memory().numTensors;
    const r = await runOnPolicyBench(teacher, {
      ...DEFAULT_ON_POLICY_BENCH,
      student: { nLayer: 1, nHead: 2, nEmbd: 16 },
      batchSize: 4,
      corpus: 16,
      rounds: 2,
      block: 2,
      warmup: 1,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.subjects.map((s) => s.name)).toEqual([...ON_POLICY_SUBJECTS]);
    const by = Object.fromEntries(r.subjects.map((s) => [s.name, s]));
    expect(by['logit KD'].ratio).toBe(1);
    for (const s of r.subjects) expect(s.msPerStep).toBeGreaterThan(0);
    // an on-policy step is its sampling plus a teacher forward plus a training step
    expect(by['on-policy'].computeKernels).toBeGreaterThan(by.sampling.computeKernels);
    expect(by['on-policy'].computeKernels).toBeGreaterThan(by['logit KD'].computeKernels);
    expect(onPolicyReport(r, 'wasm')).toContain('× logit KD');
    teacher.dispose();
  });
});
