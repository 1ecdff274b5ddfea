// The stacked model against K separate GPTs: member k's logits, hidden states, attention maps and
// every gradient equal those of GPT.forward with member k's weights, on cpu and wasm, with both
// matmul modes on wasm (batched kernel, per-member products). WebGPU: tests/stacked.test.ts.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../config';
import { deriveSeed, mulberry32, normal, randInt } from '../rng';
import { GPT, parameterNames, parameterShape } from './gpt';
import { StackedGPT } from './stackedGpt';
import { setStackedMatMulMode, type StackedMatMulMode } from './stackedOps';

afterAll(async () => {
  setStackedMatMulMode(null);
  await tf.setBackend('cpu');
});

const K = 3;
const B = 2;

/** Every parameter random around its init (biases and gains too), so every path is exercised. */
function perturbed(config: ModelConfig, seed: number): GPT {
  const weights = new Map<string, tf.Tensor>();
  for (const name of parameterNames(config)) {
    const shape = parameterShape(config, name);
    const values = normal(
      mulberry32(deriveSeed(seed, name)),
      shape.reduce((a, b) => a * b, 1),
      0.2,
    );
    if (/ln_(1|2|f)\.weight$/.test(name)) values.forEach((v, i) => (values[i] = 1 + v));
    weights.set(name, tf.tensor(values, shape));
  }
  const m = new GPT(config, weights);
  weights.forEach((w) => w.dispose());
  return m;
}

async function maxRel(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [d, s] = await Promise.all([tf.sub(a, b).abs().max().data(), tf.abs(a).max().data()]);
  return d[0] / Math.max(s[0], 1e-12);
}

const cases: { name: string; config: ModelConfig; select: boolean }[] = [
  {
    name: 'bias=false, full sequence',
    config: { nLayer: 2, nHead: 2, nEmbd: 16, vocabSize: 11, blockSize: 6, bias: false, dropout: 0 },
    select: false,
  },
  {
    name: 'bias=true, one selected position, T < blockSize',
    config: { nLayer: 1, nHead: 4, nEmbd: 8, vocabSize: 7, blockSize: 7, bias: true, dropout: 0 },
    select: true,
  },
];

const runs: { backend: string; mode: StackedMatMulMode | null; unstackUpTo?: number; label?: string }[] = [
  { backend: 'cpu', mode: null },
  { backend: 'wasm', mode: 'split', label: 'split matmuls, members cut by GatherNd', unstackUpTo: 0 },
  { backend: 'wasm', mode: 'split', label: 'split matmuls, members cut by Unpack', unstackUpTo: Infinity },
  { backend: 'wasm', mode: 'batched' },
  { backend: 'cpu', mode: 'split', label: 'split matmuls forced', unstackUpTo: 0 },
];

describe('StackedGPT: member k computes what GPT computes with its weights', () => {
  for (const { backend, mode, unstackUpTo, label } of runs) {
    for (const c of cases) {
      it(`${backend}${mode ? ` (${label ?? `${mode} matmuls`})` : ''}, ${c.name}: logits, hidden, attention, gradients`, async () => {
        expect(await tf.setBackend(backend)).toBe(true);
        setStackedMatMulMode(mode, unstackUpTo);
        const before = tf.memory().numTensors;
        tf.engine().startScope(); // the checks' own tensors go at endScope
        const models = [0, 1, 2].map((k) => perturbed(c.config, 100 + k));
        const stack = new StackedGPT(
          c.config,
          models.map((m) => m.params as Map<string, tf.Tensor>),
        );
        const T = c.select ? c.config.blockSize - 2 : c.config.blockSize;
        const rng = mulberry32(7);
        const ids = tf.tensor2d(
          Array.from({ length: B * T }, () => randInt(rng, c.config.vocabSize)),
          [B, T],
          'int32',
        );
        const select = c.select
          ? (tf
              .oneHot(tf.tensor1d([T - 1, T - 2], 'int32'), T)
              .cast('float32')
              .reshape([B, 1, T]) as tf.Tensor3D)
          : undefined;
        const S = c.select ? 1 : T;
        const V = c.config.vocabSize;
        // A different, fixed random cotangent per member, so a mixed-up member would show.
        const dy = tf.randomNormal([K, B * S, V], 0, 1, 'float32', 3);

        const s = stack.forward(ids, { collect: true, select }); // inside the test's scope
        const sg = tf.variableGrads(
          () => tf.tidy(() => stack.forward(ids, { select }).logits.mul(dy).sum() as tf.Scalar),
          stack.variables(),
        );
        for (let k = 0; k < K; k++) {
          const ref = models[k].forward(ids, { collect: true, select });
          const got = s.logits.slice([k, 0, 0], [1, B * S, V]).reshape([B, S, V]);
          expect(await maxRel(ref.logits, got), `logits of member ${k}`).toBeLessThan(1e-5);
          for (let l = 0; l < c.config.nLayer; l++) {
            const C = c.config.nEmbd;
            expect(
              await maxRel(ref.hidden![l], s.hidden![l].slice([k, 0, 0], [1, B * T, C]).reshape([B, T, C])),
              `hidden ${l}`,
            ).toBeLessThan(1e-5);
            const nh = c.config.nHead;
            expect(
              await maxRel(ref.attention![l], s.attention![l].slice([k * B, 0, 0, 0], [B, nh, T, T])),
              `attention ${l}`,
            ).toBeLessThan(1e-5);
          }
          const dyk = dy.slice([k, 0, 0], [1, B * S, V]).reshape([B, S, V]);
          const rg = tf.variableGrads(
            () => models[k].forward(ids, { select }).logits.mul(dyk).sum() as tf.Scalar,
            models[k].variables(),
          );
          for (const name of parameterNames(c.config)) {
            const sv = stack.params.get(name)!;
            const gk = sg.grads[sv.name].slice(k, 1).reshape(sv.shape.slice(1));
            const rk = rg.grads[models[k].params.get(name)!.name];
            expect(await maxRel(rk, gk), `grad ${name} of member ${k}`).toBeLessThan(2e-5);
          }
          tf.dispose([ref.logits, ...ref.hidden!, ...ref.attention!, got, dyk, rg.value, ...Object.values(rg.grads)]);
        }
        // memberModel(k) is a copy of member k
        const copy = stack.memberModel(1);
        const a = copy.forward(ids, { select }).logits;
        const b = models[1].forward(ids, { select }).logits;
        expect(await maxRel(b, a)).toBe(0);
        tf.dispose([
          a,
          b,
          s.logits,
          ...s.hidden!,
          ...s.attention!,
          sg.value,
          ...Object.values(sg.grads),
          ids,
          dy,
          ...(select ? [select] : []),
        ]);
        copy.dispose();
        stack.dispose();
        models.forEach((m) => m.dispose());
        tf.engine().endScope();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it('StackedGPT.init(config, seeds) holds GPT.init(config, seed) per member, and refuses bad shapes', async () => {
    await tf.setBackend('cpu');
    const c = cases[0].config;
    const stack = StackedGPT.init(c, [4, 9]);
    const ref = GPT.init(c, 9);
    const w = stack.memberWeights(1);
    for (const name of parameterNames(c)) {
      expect(Array.from(await w.get(name)!.data())).toEqual(Array.from(await ref.params.get(name)!.data()));
    }
    w.forEach((t) => t.dispose());
    const bad = new Map(ref.params as Map<string, tf.Tensor>);
    bad.set('transformer.wte.weight', tf.zeros([3, 3]));
    expect(() => new StackedGPT(c, [ref.params as Map<string, tf.Tensor>, bad])).toThrow(
      /member 1: parameter transformer.wte.weight has shape/,
    );
    bad.get('transformer.wte.weight')!.dispose();
    ref.dispose();
    stack.dispose();
  });
});
