import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, parameterCount, type ModelConfig } from '../config';
import { GPT, parameterNames, parameterShape } from './gpt';

const tiny = (over: Partial<ModelConfig> = {}): ModelConfig => ({
  nLayer: 2,
  nHead: 2,
  nEmbd: 16,
  vocabSize: 11,
  blockSize: 8,
  bias: true,
  dropout: 0,
  ...over,
});

/** A model whose every parameter is random (biases and LayerNorm gains too). */
function randomModel(config: ModelConfig, seed: number): GPT {
  const weights = new Map<string, tf.Tensor>();
  parameterNames(config).forEach((name, i) => {
    weights.set(name, tf.randomNormal(parameterShape(config, name), 0, 0.3, 'float32', seed * 1000 + i));
  });
  const model = new GPT(config, weights);
  weights.forEach((w) => w.dispose());
  return model;
}

function tokens(B: number, T: number, vocab: number, salt = 0): number[][] {
  return Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (b * 5 + t * 3 + salt) % vocab));
}

async function logitsOf(model: GPT, ids: number[][]): Promise<Float32Array> {
  const logits = tf.tidy(() => model.forward(tf.tensor2d(ids, undefined, 'int32')).logits);
  const data = (await logits.data()) as Float32Array;
  logits.dispose();
  return data;
}

/** Row-major float64 matrices for the reference implementation. */
type Mat = Float64Array[];

/** erf to ~1e-7 (Abramowitz & Stegun 7.1.26): enough for a 1e-4 comparison. */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

/**
 * nanoGPT's GPT.forward, transcribed loop by loop in float64 from model.py (independent of the tfjs
 * code): LN → c_attn → split q,k,v by n_embd then heads → causal softmax(q·kᵀ/√hs) → c_proj →
 * residual; LN → c_fc → exact GELU → c_proj → residual; ln_f; logits = x·wteᵀ. Weights are read
 * in our (in, out) layout. Returns logits[t][v] for one sequence.
 */
function referenceForward(c: ModelConfig, p: Map<string, Float32Array>, ids: number[]): Mat {
  const C = c.nEmbd;
  const T = ids.length;
  const hs = C / c.nHead;
  const get = (n: string) => p.get(n)!;
  const ln = (x: Mat, base: string): Mat =>
    x.map((row) => {
      const mean = row.reduce((a, b) => a + b, 0) / C;
      const v = row.reduce((a, b) => a + (b - mean) ** 2, 0) / C;
      const w = get(`${base}.weight`);
      const b = c.bias ? get(`${base}.bias`) : null;
      return row.map((xi, i) => ((xi - mean) / Math.sqrt(v + 1e-5)) * w[i] + (b ? b[i] : 0));
    });
  const linear = (x: Mat, base: string, inDim: number, outDim: number): Mat =>
    x.map((row) => {
      const W = get(`${base}.weight`);
      const b = c.bias ? get(`${base}.bias`) : null;
      const out = new Float64Array(outDim);
      for (let o = 0; o < outDim; o++) {
        let s = b ? b[o] : 0;
        for (let i = 0; i < inDim; i++) s += row[i] * W[i * outDim + o];
        out[o] = s;
      }
      return out;
    });
  const wte = get('transformer.wte.weight');
  const wpe = get('transformer.wpe.weight');
  let x: Mat = ids.map((id, t) => Float64Array.from({ length: C }, (_, i) => wte[id * C + i] + wpe[t * C + i]));
  for (let l = 0; l < c.nLayer; l++) {
    const h = `transformer.h.${l}`;
    const qkv = linear(ln(x, `${h}.ln_1`), `${h}.attn.c_attn`, C, 3 * C);
    const y: Mat = Array.from({ length: T }, () => new Float64Array(C));
    for (let head = 0; head < c.nHead; head++) {
      const q = (t: number, i: number) => qkv[t][head * hs + i];
      const k = (t: number, i: number) => qkv[t][C + head * hs + i];
      const v = (t: number, i: number) => qkv[t][2 * C + head * hs + i];
      for (let t = 0; t < T; t++) {
        const scores: number[] = [];
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let i = 0; i < hs; i++) dot += q(t, i) * k(s, i);
          scores.push(dot / Math.sqrt(hs));
        }
        const m = Math.max(...scores);
        const e = scores.map((z) => Math.exp(z - m));
        const sum = e.reduce((a, b) => a + b, 0);
        for (let i = 0; i < hs; i++) {
          let acc = 0;
          for (let s = 0; s <= t; s++) acc += (e[s] / sum) * v(s, i);
          y[t][head * hs + i] = acc;
        }
      }
    }
    const attnOut = linear(y, `${h}.attn.c_proj`, C, C);
    x = x.map((row, t) => row.map((xi, i) => xi + attnOut[t][i]));
    const u = linear(ln(x, `${h}.ln_2`), `${h}.mlp.c_fc`, C, 4 * C).map((row) =>
      row.map((z) => 0.5 * z * (1 + erf(z / Math.SQRT2))),
    );
    const mlpOut = linear(u, `${h}.mlp.c_proj`, 4 * C, C);
    x = x.map((row, t) => row.map((xi, i) => xi + mlpOut[t][i]));
  }
  const xf = ln(x, 'transformer.ln_f');
  return xf.map((row) =>
    Float64Array.from({ length: c.vocabSize }, (_, v) => {
      let s = 0;
      for (let i = 0; i < C; i++) s += row[i] * wte[v * C + i];
      return s;
    }),
  );
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('GPT', () => {
  it('gives (B, T, vocab) logits for any T up to block size, and refuses longer input', async () => {
    const config = tiny();
    const model = GPT.init(config, 1);
    for (const T of [1, 5, config.blockSize]) {
      const r = tf.tidy(() => model.forward(tf.tensor2d(tokens(3, T, config.vocabSize), undefined, 'int32')).logits);
      expect(r.shape).toEqual([3, T, config.vocabSize]);
      expect(r.dtype).toBe('float32');
      r.dispose();
    }
    const tooLong = tf.tensor2d(tokens(1, config.blockSize + 1, config.vocabSize), undefined, 'int32');
    expect(() => model.forward(tooLong)).toThrow(/exceeds block size 8/);
    tooLong.dispose();
    model.dispose();
  });

  for (const bias of [true, false]) {
    it(`matches a float64 transcription of nanoGPT's forward (bias=${bias})`, async () => {
      const config = tiny({ bias, nLayer: 2, nHead: 4 });
      const model = randomModel(config, bias ? 7 : 8);
      const ids = tokens(2, config.blockSize, config.vocabSize, 1);
      const logits = await logitsOf(model, ids);
      const params = new Map<string, Float32Array>();
      for (const [name, v] of model.params) params.set(name, (await v.data()) as Float32Array);
      let maxDiff = 0;
      let scale = 0;
      ids.forEach((seq, b) => {
        const ref = referenceForward(config, params, seq);
        ref.forEach((row, t) =>
          row.forEach((r, v) => {
            const got = logits[(b * config.blockSize + t) * config.vocabSize + v];
            maxDiff = Math.max(maxDiff, Math.abs(got - r));
            scale = Math.max(scale, Math.abs(r));
          }),
        );
      });
      console.log(
        `nanoGPT reference (bias=${bias}): max |diff| ${maxDiff.toExponential(2)}, max |logit| ${scale.toFixed(2)}`,
      );
      expect(scale).toBeGreaterThan(0.5);
      expect(maxDiff).toBeLessThan(1e-4 * Math.max(1, scale));
      model.dispose();
    });
  }

  it('is causal: changing token t+1 leaves logits at positions ≤ t exactly unchanged', async () => {
    const config = tiny();
    const model = randomModel(config, 2);
    const T = config.blockSize;
    const V = config.vocabSize;
    const base = tokens(2, T, V);
    const ref = await logitsOf(model, base);
    for (let t = 0; t < T - 1; t++) {
      const changed = base.map((row) => row.map((id, j) => (j === t + 1 ? (id + 4) % V : id)));
      const got = await logitsOf(model, changed);
      const upTo = (a: Float32Array, b: number) => a.slice(b * T * V, (b * T + t + 1) * V);
      for (let b = 0; b < 2; b++) expect(upTo(got, b)).toEqual(upTo(ref, b));
      // …and it does change the logits at t+1 (the test can see a difference at all).
      expect(got.slice((t + 1) * V, (t + 2) * V)).not.toEqual(ref.slice((t + 1) * V, (t + 2) * V));
    }
    model.dispose();
  });

  const countConfigs: ModelConfig[] = [
    tiny(),
    tiny({ bias: false }),
    tiny({ nLayer: 1, nHead: 1, nEmbd: 8, vocabSize: 3, blockSize: 1 }),
    { ...PRESETS['student-m'], vocabSize: 40, blockSize: 24, bias: true, dropout: 0 },
    { ...PRESETS['teacher-m'], vocabSize: 97, blockSize: 33, bias: false, dropout: 0.1 },
  ];
  for (const config of countConfigs) {
    it(`has parameterCount() parameters, named and shaped as nanoGPT's (${config.nLayer}x${config.nHead}x${config.nEmbd} bias=${config.bias})`, () => {
      const model = GPT.init(config, 3);
      expect([...model.params.keys()]).toEqual(parameterNames(config));
      let total = 0;
      for (const [name, v] of model.params) {
        expect(v.shape, name).toEqual(parameterShape(config, name));
        expect(v.trainable).toBe(true);
        total += v.size;
      }
      expect(total).toBe(parameterCount(config));
      model.dispose();
    });
  }

  it('initialises from the seed: same seed → identical weights, different seed → different', async () => {
    const config = tiny();
    const [a, b, c] = [GPT.init(config, 42), GPT.init(config, 42), GPT.init(config, 43)];
    for (const name of parameterNames(config)) {
      const [va, vb, vc] = await Promise.all([a, b, c].map((m) => m.params.get(name)!.data()));
      expect(vb, name).toEqual(va);
      // Random matrices differ; LayerNorm gains (1) and biases (0) are constant by design.
      if (/ln_|\.bias$/.test(name)) {
        expect(vc, name).toEqual(va);
        expect(new Set(va).size).toBe(1);
      } else {
        expect(vc, name).not.toEqual(va);
        // nanoGPT's std: 0.02, or 0.02/√(2·n_layer) for the residual projections.
        const std = Math.sqrt([...va].reduce((s, x) => s + x * x, 0) / va.length);
        const want = name.endsWith('c_proj.weight') ? 0.02 / Math.sqrt(2 * config.nLayer) : 0.02;
        expect(std).toBeGreaterThan(want * 0.8);
        expect(std).toBeLessThan(want * 1.2);
      }
    }
    [a, b, c].forEach((m) => m.dispose());
  });

  it('collects one hidden state (B,T,C) and one causal attention map (B,nh,T,T) per layer', async () => {
    const config = tiny({ nLayer: 3, nHead: 4 });
    const model = randomModel(config, 4);
    const [B, T] = [2, 6];
    const { logits, hidden, attention } = tf.tidy(() => {
      const r = model.forward(tf.tensor2d(tokens(B, T, config.vocabSize), undefined, 'int32'), { collect: true });
      return { logits: r.logits, hidden: r.hidden!, attention: r.attention! };
    });
    expect(hidden).toHaveLength(config.nLayer);
    expect(attention).toHaveLength(config.nLayer);
    for (const h of hidden) expect(h.shape).toEqual([B, T, config.nEmbd]);
    for (const att of attention) {
      expect(att.shape).toEqual([B, config.nHead, T, T]);
      const a = await att.data();
      for (let row = 0; row < B * config.nHead * T; row++) {
        const i = row % T;
        let sum = 0;
        for (let j = 0; j < T; j++) {
          const p = a[row * T + j];
          if (j > i) expect(p).toBe(0);
          else expect(p).toBeGreaterThan(0);
          sum += p;
        }
        expect(sum).toBeCloseTo(1, 5);
      }
    }
    // The same logits as without collect.
    const plain = await logitsOf(model, tokens(B, T, config.vocabSize));
    expect(await logitsOf(model, tokens(B, T, config.vocabSize))).toEqual(plain);
    expect(await logits.data()).toEqual(plain);
    tf.dispose([logits, ...hidden, ...attention]);
    model.dispose();
  });

  it('keeps the weights it is given, refusing missing or misshapen ones', () => {
    const config = tiny({ nLayer: 1 });
    const weights = new Map<string, tf.Tensor>();
    for (const name of parameterNames(config)) weights.set(name, tf.zeros(parameterShape(config, name)));
    const frozen = new GPT(config, weights, false);
    expect(frozen.variables().every((v) => !v.trainable)).toBe(true);
    frozen.dispose();
    const wrong = tf.zeros([16, 16]);
    const misshapen = new Map(weights).set('transformer.h.0.mlp.c_fc.weight', wrong);
    expect(() => new GPT(config, misshapen)).toThrow(/c_fc\.weight has shape \[16,16\] but the config needs \[16,64\]/);
    const missing = new Map(weights);
    missing.delete('transformer.ln_f.weight');
    expect(() => new GPT(config, missing)).toThrow(/missing parameter transformer\.ln_f\.weight/);
    tf.dispose([...weights.values(), wrong]);
  });

  it('applies dropout only when training with dropout > 0', async () => {
    const config = tiny({ dropout: 0.5 });
    const model = randomModel(config, 9);
    const ids = tf.tensor2d(tokens(2, 8, config.vocabSize), undefined, 'int32');
    const run = (training: boolean) => tf.tidy(() => model.forward(ids, { training }).logits);
    const [e1, e2, t1] = [run(false), run(false), run(true)];
    expect(await e2.data()).toEqual(await e1.data());
    expect(await t1.data()).not.toEqual(await e1.data());
    tf.dispose([e1, e2, t1, ids]);
    model.dispose();
  });

  it('leaks no tensors across forward and backward inside tf.tidy', async () => {
    const config = tiny();
    const model = randomModel(config, 5);
    const ids = tf.tensor2d(tokens(2, 8, config.vocabSize), undefined, 'int32');
    const targets = tf.tensor2d(tokens(2, 8, config.vocabSize, 1), undefined, 'int32');
    const step = () =>
      tf.tidy(() => {
        const { grads, value } = tf.variableGrads(() => {
          const { logits, hidden, attention } = model.forward(ids, { collect: true });
          const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(targets, config.vocabSize), logits);
          return ce
            .add(tf.addN(hidden!.map((h) => h.square().mean())).mul(0))
            .add(attention![0].mean().mul(0)) as tf.Scalar;
        }, model.variables());
        return tf.stack([value, tf.addN(Object.values(grads).map((g) => g.square().sum()))]);
      });
    step().dispose(); // the first call caches the causal mask for this length (one kept tensor)
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const out = step();
      const [loss, gradSq] = await out.data();
      expect(Number.isFinite(loss) && gradSq > 0).toBe(true);
      out.dispose();
      tf.tidy(() => model.forward(ids, { collect: true }).logits).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ids, targets]);
    const live = tf.memory().numTensors;
    model.dispose();
    expect(tf.memory().numTensors).toBe(live - parameterNames(config).length - 1); // its variables and cached mask
  });
});
