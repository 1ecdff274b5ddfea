import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../config';
import { loadModelDir, saveModelDir } from '../cli/modelDir';
import { exportModel, importModel, stateDictKeys, type ExportedModel } from './export';
import { GPT, parameterNames, parameterShape } from './gpt';
import { decodeSafetensors, encodeSafetensors, type TensorEntry } from './safetensors';

const tiny = (bias: boolean): ModelConfig => ({
  nLayer: 2,
  nHead: 2,
  nEmbd: 16,
  vocabSize: 11,
  blockSize: 8,
  bias,
  dropout: 0,
});
const VOCAB = ['<pad>', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', '.'];

/** A model whose every parameter (biases and LayerNorm too) is random, so that a mix-up shows. */
function randomModel(config: ModelConfig, seed: number): GPT {
  const weights = new Map<string, tf.Tensor>();
  parameterNames(config).forEach((name, i) => {
    weights.set(name, tf.randomNormal(parameterShape(config, name), 0, 0.3, 'float32', seed * 1000 + i));
  });
  const model = new GPT(config, weights);
  weights.forEach((w) => w.dispose());
  return model;
}

function batch(config: ModelConfig): tf.Tensor2D {
  const ids: number[] = [];
  for (let i = 0; i < 2 * config.blockSize; i++) ids.push((i * 7 + 3) % config.vocabSize);
  return tf.tensor2d(ids, [2, config.blockSize], 'int32');
}

async function logitsOf(model: GPT, idx: tf.Tensor2D): Promise<Float32Array> {
  const logits = tf.tidy(() => model.forward(idx).logits);
  const data = (await logits.data()) as Float32Array;
  logits.dispose();
  return data;
}

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** Rewrites an exported file's tensors through `edit`, keeping the rest. */
function editFile(exported: ExportedModel, edit: (t: Map<string, TensorEntry>) => void): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(exported.safetensors);
  edit(tensors);
  return encodeSafetensors(tensors, metadata);
}

function editConfig(exported: ExportedModel, edit: (c: Record<string, unknown>) => void): string {
  const c = JSON.parse(exported.configJson) as Record<string, unknown>;
  edit(c);
  return JSON.stringify(c);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('exportModel / importModel', () => {
  for (const bias of [true, false]) {
    it(`round-trips to bit-identical logits (bias=${bias})`, async () => {
      const config = tiny(bias);
      const model = randomModel(config, bias ? 1 : 2);
      const idx = batch(config);
      const exported = await exportModel(model, VOCAB, { task: 'grammar', classes: ['neg', 'pos'] });
      const { model: back, vocab, extra } = importModel(exported.safetensors, exported.configJson);
      expect(back.config).toEqual(config);
      expect(vocab).toEqual(VOCAB);
      expect(extra).toEqual({ task: 'grammar', classes: ['neg', 'pos'] });
      for (const name of parameterNames(config)) {
        const [a, b] = await Promise.all([model.params.get(name)!.data(), back.params.get(name)!.data()]);
        expect(bits(b as Float32Array), name).toEqual(bits(a as Float32Array));
      }
      expect(bits(await logitsOf(back, idx))).toEqual(bits(await logitsOf(model, idx)));
      [model, back].forEach((m) => m.dispose());
      idx.dispose();
    });
  }

  it('writes PyTorch layouts: Linear weights (out, in), lm_head a copy of wte', async () => {
    const config = tiny(true);
    const model = randomModel(config, 3);
    const { safetensors } = await exportModel(model, VOCAB);
    const { tensors, metadata } = decodeSafetensors(safetensors);
    expect(metadata).toEqual({ format: 'pt' });
    const C = config.nEmbd;

    const cAttn = tensors.get('transformer.h.0.attn.c_attn.weight')!;
    expect(cAttn.shape).toEqual([3 * C, C]);
    const internal = (await model.params.get('transformer.h.0.attn.c_attn.weight')!.data()) as Float32Array; // (C, 3C)
    for (let o = 0; o < 3 * C; o++) {
      for (let i = 0; i < C; i++) expect(cAttn.data[o * C + i]).toBe(internal[i * 3 * C + o]);
    }
    expect(tensors.get('transformer.h.1.mlp.c_fc.weight')!.shape).toEqual([4 * C, C]);
    expect(tensors.get('transformer.h.1.mlp.c_proj.weight')!.shape).toEqual([C, 4 * C]);
    expect(tensors.get('transformer.h.1.mlp.c_fc.bias')!.shape).toEqual([4 * C]);

    const wte = tensors.get('transformer.wte.weight')!;
    const head = tensors.get('lm_head.weight')!;
    expect(wte.shape).toEqual([config.vocabSize, C]);
    expect(head.shape).toEqual(wte.shape);
    expect(bits(head.data as Float32Array)).toEqual(bits(wte.data as Float32Array));
    expect(bits(wte.data as Float32Array)).toEqual(
      bits((await model.params.get('transformer.wte.weight')!.data()) as Float32Array),
    );
    // Exporting never modified the model (data() can hand back the backend's own array).
    expect(bits((await model.params.get('transformer.h.0.attn.c_attn.weight')!.data()) as Float32Array)).toEqual(
      bits(internal),
    );
    model.dispose();
  });

  it("has exactly nanoGPT's state_dict keys and shapes", async () => {
    // Written out by hand from nanoGPT's model.py, GPTConfig(n_layer=1, n_head=2, n_embd=16,
    // vocab_size=11, block_size=8, bias=True): list(GPT(cfg).state_dict().items()) on PyTorch 2.
    const nanoGPT: [string, number[]][] = [
      ['transformer.wte.weight', [11, 16]],
      ['transformer.wpe.weight', [8, 16]],
      ['transformer.h.0.ln_1.weight', [16]],
      ['transformer.h.0.ln_1.bias', [16]],
      ['transformer.h.0.attn.c_attn.weight', [48, 16]],
      ['transformer.h.0.attn.c_attn.bias', [48]],
      ['transformer.h.0.attn.c_proj.weight', [16, 16]],
      ['transformer.h.0.attn.c_proj.bias', [16]],
      ['transformer.h.0.ln_2.weight', [16]],
      ['transformer.h.0.ln_2.bias', [16]],
      ['transformer.h.0.mlp.c_fc.weight', [64, 16]],
      ['transformer.h.0.mlp.c_fc.bias', [64]],
      ['transformer.h.0.mlp.c_proj.weight', [16, 64]],
      ['transformer.h.0.mlp.c_proj.bias', [16]],
      ['transformer.ln_f.weight', [16]],
      ['transformer.ln_f.bias', [16]],
      ['lm_head.weight', [11, 16]],
    ];
    const config: ModelConfig = { ...tiny(true), nLayer: 1 };
    const model = GPT.init(config, 1);
    const { safetensors, configJson } = await exportModel(model, VOCAB);
    const { tensors } = decodeSafetensors(safetensors);
    expect([...tensors.keys()]).toEqual(nanoGPT.map(([k]) => k));
    expect([...tensors.entries()].map(([k, t]) => [k, t.shape])).toEqual(nanoGPT);
    expect(stateDictKeys(config)).toEqual(nanoGPT.map(([k]) => k));
    expect(JSON.parse(configJson)).toEqual({
      n_layer: 1,
      n_head: 2,
      n_embd: 16,
      vocab_size: 11,
      block_size: 8,
      bias: true,
      dropout: 0,
      vocab: VOCAB,
    });

    // bias=False: nanoGPT's Linear(bias=False) and LayerNorm(bias=False) register no bias at all.
    const noBias = GPT.init({ ...config, bias: false }, 1);
    const keys = [...decodeSafetensors((await exportModel(noBias, VOCAB)).safetensors).tensors.keys()];
    expect(keys).toEqual(nanoGPT.map(([k]) => k).filter((k) => !k.endsWith('.bias')));
    [model, noBias].forEach((m) => m.dispose());
  });

  it('leaks no tensors', async () => {
    const config = tiny(true);
    const model = GPT.init(config, 4);
    const before = tf.memory().numTensors;
    const exported = await exportModel(model, VOCAB);
    expect(tf.memory().numTensors).toBe(before);
    const { model: back } = importModel(exported.safetensors, exported.configJson);
    expect(tf.memory().numTensors).toBe(before + back.params.size);
    back.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // A failed import leaves nothing behind either.
    const broken = editFile(exported, (t) => t.delete('transformer.ln_f.weight'));
    expect(() => importModel(broken, exported.configJson)).toThrow();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('accepts the tied pair under either name and ignores old nanoGPT mask buffers', async () => {
    const config = tiny(false);
    const model = randomModel(config, 5);
    const idx = batch(config);
    const exported = await exportModel(model, VOCAB);
    const headOnly = editFile(exported, (t) => {
      t.delete('transformer.wte.weight');
      t.set('transformer.h.0.attn.bias', { dtype: 'F32', shape: [1, 1, 8, 8], data: new Float32Array(64).fill(1) });
    });
    const { model: back } = importModel(headOnly, exported.configJson);
    expect(bits(await logitsOf(back, idx))).toEqual(bits(await logitsOf(model, idx)));
    [model, back, idx].forEach((m) => m.dispose());
  });

  it('rejects exports whose vocab or extra keys do not fit', async () => {
    const model = GPT.init(tiny(true), 1);
    await expect(exportModel(model, VOCAB.slice(1))).rejects.toThrow(
      /vocab has 10 tokens but the model's vocab_size is 11/,
    );
    await expect(exportModel(model, VOCAB, { n_layer: 3 })).rejects.toThrow(/clash with reserved keys: n_layer/);
    model.dispose();
  });

  it('refuses to export a model with NaN weights (a file import would refuse)', async () => {
    const model = GPT.init(tiny(false), 1);
    const v = model.params.get('transformer.h.1.mlp.c_proj.weight')!;
    const data = Float32Array.from(await v.data());
    data[3] = NaN;
    v.assign(tf.tensor(data, v.shape));
    await expect(exportModel(model, VOCAB)).rejects.toThrow(
      /cannot be exported: transformer\.h\.1\.mlp\.c_proj\.weight has 1 non-finite value \(the first, NaN, at index 3\)/,
    );
    model.dispose();
  });

  describe('import rejects files that do not fit, saying why', () => {
    let exported: ExportedModel;
    beforeAll(async () => {
      const model = GPT.init(tiny(true), 1);
      exported = await exportModel(model, VOCAB);
      model.dispose();
    });
    const fileCases: [string, (t: Map<string, TensorEntry>) => void, RegExp][] = [
      [
        'a missing key',
        (t) => t.delete('transformer.h.1.mlp.c_fc.bias'),
        /missing keys: transformer\.h\.1\.mlp\.c_fc\.bias/,
      ],
      [
        'both tied keys missing',
        (t) => {
          t.delete('transformer.wte.weight');
          t.delete('lm_head.weight');
        },
        /missing keys: transformer\.wte\.weight/,
      ],
      [
        'an unexpected key',
        (t) => t.set('transformer.h.2.ln_1.weight', { dtype: 'F32', shape: [16], data: new Float32Array(16) }),
        /unexpected keys: transformer\.h\.2\.ln_1\.weight/,
      ],
      [
        'a Linear weight in (in, out) layout',
        (t) => {
          const w = t.get('transformer.h.0.mlp.c_fc.weight')!;
          t.set('transformer.h.0.mlp.c_fc.weight', { ...w, shape: [16, 64] } as TensorEntry);
        },
        /transformer\.h\.0\.mlp\.c_fc\.weight has shape \[16,64\] but the config needs \[64,16\]/,
      ],
      [
        'a wrong dtype',
        (t) => t.set('transformer.ln_f.bias', { dtype: 'I32', shape: [16], data: new Int32Array(16) }),
        /transformer\.ln_f\.bias has dtype I32, expected F32/,
      ],
      [
        'an untied lm_head',
        (t) => t.set('lm_head.weight', { dtype: 'F32', shape: [11, 16], data: new Float32Array(176).fill(0.5) }),
        /lm_head\.weight differs from transformer\.wte\.weight/,
      ],
      [
        'NaN weights (a diverged run), naming the tensor, the count and the first index',
        (t) => {
          const w = t.get('transformer.h.0.attn.c_attn.weight')!;
          const data = Float32Array.from(w.data as Float32Array);
          data[5] = NaN;
          data[40] = NaN;
          t.set('transformer.h.0.attn.c_attn.weight', { ...w, data } as TensorEntry);
        },
        /transformer\.h\.0\.attn\.c_attn\.weight has 2 non-finite values \(the first, NaN, at index 5\)/,
      ],
      [
        'an infinite LayerNorm gain',
        (t) => {
          const w = t.get('transformer.ln_f.weight')!;
          const data = Float32Array.from(w.data as Float32Array);
          data[15] = -Infinity;
          t.set('transformer.ln_f.weight', { ...w, data } as TensorEntry);
        },
        /transformer\.ln_f\.weight has 1 non-finite value \(the first, -Infinity, at index 15\)/,
      ],
      [
        'NaN in the tied embedding (both names alike)',
        (t) => {
          for (const key of ['transformer.wte.weight', 'lm_head.weight']) {
            const w = t.get(key)!;
            const data = Float32Array.from(w.data as Float32Array);
            data[0] = NaN;
            t.set(key, { ...w, data } as TensorEntry);
          }
        },
        /transformer\.wte\.weight has 1 non-finite value \(the first, NaN, at index 0\)/,
      ],
    ];
    for (const [what, edit, message] of fileCases) {
      it(what, () => {
        expect(() => importModel(editFile(exported, edit), exported.configJson)).toThrow(message);
      });
    }

    it('a corrupt safetensors file', () => {
      expect(() => importModel(exported.safetensors.subarray(0, 100), exported.configJson)).toThrow(
        /model\.safetensors: truncated file/,
      );
    });

    const configCases: [string, (c: Record<string, unknown>) => void, RegExp][] = [
      ['a missing config key', (c) => delete c.n_head, /config\.json is missing n_head/],
      ['missing vocab', (c) => delete c.vocab, /config\.json is missing vocab/],
      ['a non-integer size', (c) => (c.n_embd = '16'), /n_embd must be a positive integer \(got "16"\)/],
      ['a zero size', (c) => (c.n_layer = 0), /n_layer must be a positive integer \(got 0\)/],
      ['a non-boolean bias', (c) => (c.bias = 1), /bias must be true or false \(got 1\)/],
      ['a bad dropout', (c) => (c.dropout = 1.5), /dropout must be a number in \[0, 1\)/],
      ['heads that do not divide the width', (c) => (c.n_head = 3), /n_embd \(16\) must be divisible by n_head \(3\)/],
      ['a vocab of the wrong length', (c) => (c.vocab = ['a']), /vocab has 1 tokens but vocab_size is 11/],
      ['a vocab that is not strings', (c) => (c.vocab = [...VOCAB.slice(1), 7]), /vocab must be a list of strings/],
      ['a config for another size', (c) => (c.n_layer = 3), /missing keys: transformer\.h\.2\.ln_1\.weight/],
      [
        'class tokens outside the vocabulary',
        (c) => Object.assign(c, { classes: ['x', 'y'], class_token_ids: [4, 11] }),
        /class_token_ids \[11\] are not token ids of the vocabulary \(0\.\.10\)/,
      ],
      [
        'negative or fractional class tokens',
        (c) => Object.assign(c, { classes: ['x', 'y'], class_token_ids: [-1, 2.5] }),
        /class_token_ids \[-1,2\.5\] are not token ids/,
      ],
      [
        'a repeated class token',
        (c) => Object.assign(c, { classes: ['x', 'y'], class_token_ids: [4, 4] }),
        /class_token_ids repeat an id/,
      ],
      [
        'class tokens without a name each',
        (c) => Object.assign(c, { classes: ['x'], class_token_ids: [4, 5] }),
        /classes must name each of the 2 class_token_ids/,
      ],
    ];
    for (const [what, edit, message] of configCases) {
      it(what, () => {
        expect(() => importModel(exported.safetensors, editConfig(exported, edit))).toThrow(message);
      });
    }

    it('accepts class tokens inside the vocabulary, and null ones (generation)', () => {
      const ok = editConfig(exported, (c) => Object.assign(c, { classes: ['x', 'y'], class_token_ids: [4, 10] }));
      const imported = importModel(exported.safetensors, ok);
      expect(imported.extra.class_token_ids).toEqual([4, 10]);
      imported.model.dispose();
      const gen = importModel(
        exported.safetensors,
        editConfig(exported, (c) => Object.assign(c, { classes: null, class_token_ids: null })),
      );
      gen.model.dispose();
    });

    it('config.json that is not JSON', () => {
      expect(() => importModel(exported.safetensors, '{"n_layer": ')).toThrow(/config\.json is not valid JSON/);
      expect(() => importModel(exported.safetensors, '[]')).toThrow(/config\.json must be a JSON object/);
    });
  });
});

describe('model directory (src/cli/modelDir)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distil-export-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves model.safetensors + config.json and loads them back', async () => {
    const config = tiny(true);
    const model = randomModel(config, 6);
    const idx = batch(config);
    const exported = await exportModel(model, VOCAB, { task: 'modadd' });
    const paths = await saveModelDir(join(dir, 'm'), exported);
    expect(paths).toEqual({ safetensors: join(dir, 'm', 'model.safetensors'), config: join(dir, 'm', 'config.json') });
    expect(new Uint8Array(await readFile(paths.safetensors))).toEqual(exported.safetensors);
    const { model: back, vocab, extra } = await loadModelDir(join(dir, 'm'));
    expect(vocab).toEqual(VOCAB);
    expect(extra).toEqual({ task: 'modadd' });
    expect(bits(await logitsOf(back, idx))).toEqual(bits(await logitsOf(model, idx)));
    [model, back, idx].forEach((m) => m.dispose());
  });

  it('says which file is missing or bad', async () => {
    await expect(loadModelDir(join(dir, 'nope'))).rejects.toThrow(/nope\/model\.safetensors not found/);
    const model = GPT.init(tiny(true), 1);
    await saveModelDir(join(dir, 'bad'), await exportModel(model, VOCAB));
    model.dispose();
    await writeFile(join(dir, 'bad', 'config.json'), '{}');
    await expect(loadModelDir(join(dir, 'bad'))).rejects.toThrow(/bad: config\.json is missing n_layer/);
  });
});
