// Backend parity: the same forward and backward pass of a small seeded GPT on tfjs's `cpu` backend
// and on the real `webgpu` backend (Dawn in Node, see src/cli/webgpu-node.ts) agree. Skipped, with
// the reason printed, only where this machine has no WebGPU adapter at all.

import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../src/config';
import { GPT, parameterNames, parameterShape } from '../src/model/gpt';
import { deriveSeed, mulberry32, normal, randInt } from '../src/rng';
import { initNodeWebGPU, releaseNodeWebGPU } from '../src/cli/webgpu-node';

const BATCH = 3;
const SEED = 11;

const gpu = await initNodeWebGPU();
if (!gpu.ok) console.warn(`[parity] skipping the cpu/webgpu parity test: ${gpu.reason}`);
else console.log(`[parity] WebGPU adapter: ${gpu.adapterInfo}`);

interface Outcome {
  logits: Float32Array;
  loss: number;
  grads: Map<string, Float32Array>;
  ms: number;
}

/**
 * Builds the model on the current backend from seeded JS numbers: nanoGPT's init (GPT.init), or
 * every parameter random around its init (biases and LayerNorm gains too) so all paths are exercised.
 */
function buildModel(config: ModelConfig, init: 'nanogpt' | 'perturbed'): GPT {
  if (init === 'nanogpt') return GPT.init(config, SEED);
  const weights = new Map<string, tf.Tensor>();
  for (const name of parameterNames(config)) {
    const shape = parameterShape(config, name);
    const values = normal(mulberry32(deriveSeed(SEED, `parity:${name}`)), shape.reduce((a, b) => a * b, 1), 0.2);
    if (/ln_(1|2|f)\.weight$/.test(name)) values.forEach((v, i) => (values[i] = 1 + v));
    weights.set(name, tf.tensor(values, shape));
  }
  const model = new GPT(config, weights);
  weights.forEach((w) => w.dispose());
  return model;
}

async function forwardBackward(backend: string, config: ModelConfig, init: 'nanogpt' | 'perturbed'): Promise<Outcome> {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend(${backend}) returned false`);
  expect(tf.getBackend()).toBe(backend);
  const rng = mulberry32(deriveSeed(SEED, 'parity:batch'));
  const T = config.blockSize;
  const ids = Array.from({ length: BATCH * T }, () => randInt(rng, config.vocabSize));
  const targets = Array.from({ length: BATCH * T }, () => randInt(rng, config.vocabSize));

  const model = buildModel(config, init);
  const idx = tf.tensor2d(ids, [BATCH, T], 'int32');
  const onehot = tf.oneHot(tf.tensor1d(targets, 'int32'), config.vocabSize);
  const start = performance.now();
  const { logits, loss, grads } = tf.tidy(() => {
    let logits: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const out = model.forward(idx).logits;
      logits = tf.keep(out);
      // Mean cross-entropy over all B·T positions, written out (log-softmax of the logits).
      const flat = out.reshape([BATCH * T, config.vocabSize]);
      return tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(flat)))).div(BATCH * T) as tf.Scalar;
    }, model.variables());
    return { logits: logits!, loss: value, grads };
  });
  const names = [...model.params.keys()];
  const varNames = names.map((n) => model.params.get(n)!.name);
  const [logitsData, lossData, ...gradData] = await Promise.all([
    logits.data(),
    loss.data(),
    ...varNames.map((v) => grads[v].data()),
  ]);
  const ms = performance.now() - start;
  tf.dispose([logits, loss, idx, onehot, ...Object.values(grads)]);
  model.dispose();
  return {
    logits: Float32Array.from(logitsData),
    loss: lossData[0],
    grads: new Map(names.map((n, i) => [n, Float32Array.from(gradData[i])])),
    ms,
  };
}

/** Largest |a − b| and the scale (largest |a|) it is judged against. */
function compare(a: Float32Array, b: Float32Array): { diff: number; scale: number } {
  expect(b.length).toBe(a.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  if (a.some((x, i) => Number.isNaN(x) !== Number.isNaN(b[i]))) diff = NaN;
  return { diff, scale };
}

/** Relative tolerance, against each tensor's own scale, plus a small absolute floor. */
const REL_TOL = 1e-4;
const ABS_TOL = 1e-7;

describe('cpu ↔ webgpu parity', () => {
  afterAll(async () => {
    if (gpu.ok) await releaseNodeWebGPU('cpu');
  });

  const cases: { name: string; config: ModelConfig; init: 'nanogpt' | 'perturbed' }[] = [
    {
      name: 'nanoGPT init, bias=false',
      config: { nLayer: 2, nHead: 2, nEmbd: 16, vocabSize: 13, blockSize: 8, bias: false, dropout: 0 },
      init: 'nanogpt',
    },
    {
      name: 'perturbed weights, bias=true',
      config: { nLayer: 2, nHead: 2, nEmbd: 16, vocabSize: 13, blockSize: 8, bias: true, dropout: 0 },
      init: 'perturbed',
    },
  ];

  for (const { name, config, init } of cases) {
    it.skipIf(!gpu.ok)(`logits, loss and every gradient agree (${name})`, async () => {
      const cpu = await forwardBackward('cpu', config, init);
      const wg = await forwardBackward('webgpu', config, init);
      const rows: string[] = [];
      const check = (label: string, a: Float32Array, b: Float32Array) => {
        const { diff, scale } = compare(a, b);
        rows.push(`${label}: max|Δ| ${diff.toExponential(2)} (scale ${scale.toExponential(2)})`);
        expect(diff, `${label}: max |cpu - webgpu| ${diff} vs scale ${scale}`).toBeLessThanOrEqual(REL_TOL * scale + ABS_TOL);
      };
      check('logits', cpu.logits, wg.logits);
      check('loss', Float32Array.of(cpu.loss), Float32Array.of(wg.loss));
      expect(cpu.grads.size).toBe(parameterNames(config).length);
      let worst = 0;
      for (const [param, g] of cpu.grads) {
        const { diff, scale } = compare(g, wg.grads.get(param)!);
        expect(scale, `gradient of ${param} is all zero`).toBeGreaterThan(0);
        worst = Math.max(worst, diff / scale);
        check(`grad ${param}`, g, wg.grads.get(param)!);
      }
      console.log(
        `[parity] ${name}: loss cpu ${cpu.loss.toFixed(6)} webgpu ${wg.loss.toFixed(6)}; ` +
          `worst relative gradient diff ${worst.toExponential(2)}; ` +
          `forward+backward+read ${cpu.ms.toFixed(0)} ms cpu, ${wg.ms.toFixed(0)} ms webgpu (first call compiles shaders)\n  ` +
          rows.slice(0, 2).join('\n  '),
      );
    });
  }
});
