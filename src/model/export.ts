// Export and import of a GPT as safetensors + config.json, in nanoGPT's format, so that
//
//   from safetensors.torch import load_file
//   cfg = json.load(open('config.json'))
//   model = GPT(GPTConfig(**{k: cfg[k] for k in ('n_layer', 'n_head', 'n_embd', 'vocab_size',
//                                               'block_size', 'bias', 'dropout')}))
//   model.load_state_dict(load_file('model.safetensors'), strict=True)
//
// works in nanoGPT's model.py. The file holds every key of nanoGPT's state_dict under its name and
// in PyTorch's layout: a Linear weight is (out, in) there and (in, out) here, so those are
// transposed on the way out and back. nanoGPT ties lm_head.weight to transformer.wte.weight and its
// state_dict lists both, so both are written (the same values twice).
//
// Values are read with `await data()` (dataSync fails on the webgpu backend in Node). No fs here:
// src/cli/modelDir.ts writes and reads the two files.

import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import { GPT, isLinearWeight, parameterNames, parameterShape } from './gpt';
import { decodeSafetensors, encodeSafetensors, type TensorEntry } from './safetensors';

export const SAFETENSORS_FILE = 'model.safetensors';
export const CONFIG_FILE = 'config.json';

const WTE = 'transformer.wte.weight';
const LM_HEAD = 'lm_head.weight';

/** config.json keys, named as nanoGPT's GPTConfig fields. */
const CONFIG_KEYS = ['n_layer', 'n_head', 'n_embd', 'vocab_size', 'block_size', 'bias', 'dropout'] as const;
const RESERVED_KEYS: readonly string[] = [...CONFIG_KEYS, 'vocab'];

export interface ExportedModel {
  safetensors: Uint8Array;
  configJson: string;
}

export interface ImportedModel {
  model: GPT;
  vocab: string[];
  /** Keys of config.json beyond the model config and the vocabulary (e.g. task, classes). */
  extra: Record<string, unknown>;
}

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

/** nanoGPT's state_dict keys for a config, in its order: our parameters, then the tied lm_head. */
export function stateDictKeys(config: ModelConfig): string[] {
  return [...parameterNames(config), LM_HEAD];
}

/** Transposes a row-major (rows, cols) matrix. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c];
  }
  return out;
}

/** The model's config as config.json writes it (nanoGPT's GPTConfig names). */
export function toNanoGPTConfig(c: ModelConfig): Record<(typeof CONFIG_KEYS)[number], number | boolean> {
  return {
    n_layer: c.nLayer,
    n_head: c.nHead,
    n_embd: c.nEmbd,
    vocab_size: c.vocabSize,
    block_size: c.blockSize,
    bias: c.bias,
    dropout: c.dropout,
  };
}

export async function exportModel(
  model: GPT,
  vocab: readonly string[],
  extra: Record<string, unknown> = {},
): Promise<ExportedModel> {
  const config = model.config;
  if (vocab.length !== config.vocabSize) {
    throw new ModelFormatError(`vocab has ${vocab.length} tokens but the model's vocab_size is ${config.vocabSize}`);
  }
  if (!vocab.every((t) => typeof t === 'string')) throw new ModelFormatError('vocab must be a list of strings');
  const clash = Object.keys(extra).filter((k) => RESERVED_KEYS.includes(k));
  if (clash.length) throw new ModelFormatError(`extra config keys clash with reserved keys: ${clash.join(', ')}`);

  const names = parameterNames(config);
  const values = await Promise.all(
    names.map((name) => {
      const v = model.params.get(name);
      if (!v) throw new ModelFormatError(`model has no parameter ${name}`);
      return v.data() as Promise<Float32Array>;
    }),
  );
  // A file that import would refuse is not written: NaN or ±Infinity weights say the run diverged.
  const damaged = names.flatMap((name, i) => {
    const bad = nonFinite(values[i]);
    return bad ? [`${name} ${bad}`] : [];
  });
  if (damaged.length) throw new ModelFormatError(`the model cannot be exported: ${damaged.join('; ')}`);
  const tensors = new Map<string, TensorEntry>();
  names.forEach((name, i) => {
    const shape = parameterShape(config, name);
    // data() may hand back the backend's own array (cpu): never write into it.
    const data = values[i];
    if (isLinearWeight(name)) {
      const [inDim, outDim] = shape;
      tensors.set(name, { dtype: 'F32', shape: [outDim, inDim], data: transpose(data, inDim, outDim) });
    } else {
      tensors.set(name, { dtype: 'F32', shape: [...shape], data });
    }
  });
  const wte = tensors.get(WTE);
  if (!wte) throw new ModelFormatError(`model has no ${WTE}`);
  tensors.set(LM_HEAD, { ...wte, shape: [...wte.shape] });

  const safetensors = encodeSafetensors(tensors, { format: 'pt' });
  const configJson = JSON.stringify({ ...toNanoGPTConfig(config), vocab: [...vocab], ...extra }, null, 2) + '\n';
  return { safetensors, configJson };
}

/** Parses and checks config.json; returns the model config, vocabulary and extra keys. */
export function parseModelConfig(configJson: string): {
  config: ModelConfig;
  vocab: string[];
  extra: Record<string, unknown>;
} {
  let raw: unknown;
  try {
    raw = JSON.parse(configJson);
  } catch (e) {
    throw new ModelFormatError(`config.json is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ModelFormatError('config.json must be a JSON object');
  }
  const obj = raw as Record<string, unknown>;
  const missing = [...CONFIG_KEYS, 'vocab'].filter((k) => !(k in obj));
  if (missing.length) throw new ModelFormatError(`config.json is missing ${missing.join(', ')}`);

  const positiveInt = (key: string): number => {
    const v = obj[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
      throw new ModelFormatError(`config.json: ${key} must be a positive integer (got ${JSON.stringify(v)})`);
    }
    return v;
  };
  const config: ModelConfig = {
    nLayer: positiveInt('n_layer'),
    nHead: positiveInt('n_head'),
    nEmbd: positiveInt('n_embd'),
    vocabSize: positiveInt('vocab_size'),
    blockSize: positiveInt('block_size'),
    bias: obj.bias as boolean,
    dropout: obj.dropout as number,
  };
  if (typeof obj.bias !== 'boolean') {
    throw new ModelFormatError(`config.json: bias must be true or false (got ${JSON.stringify(obj.bias)})`);
  }
  if (typeof obj.dropout !== 'number' || !(obj.dropout >= 0 && obj.dropout < 1)) {
    throw new ModelFormatError(`config.json: dropout must be a number in [0, 1) (got ${JSON.stringify(obj.dropout)})`);
  }
  if (config.nEmbd % config.nHead !== 0) {
    throw new ModelFormatError(`config.json: n_embd (${config.nEmbd}) must be divisible by n_head (${config.nHead})`);
  }
  const vocab = obj.vocab;
  if (!Array.isArray(vocab) || !vocab.every((t) => typeof t === 'string')) {
    throw new ModelFormatError('config.json: vocab must be a list of strings');
  }
  if (vocab.length !== config.vocabSize) {
    throw new ModelFormatError(`config.json: vocab has ${vocab.length} tokens but vocab_size is ${config.vocabSize}`);
  }
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!RESERVED_KEYS.includes(k)) extra[k] = v;
  checkClassTokens(extra, config.vocabSize);
  return { config, vocab: [...vocab] as string[], extra };
}

/** class_token_ids (when present) are distinct ids inside the vocabulary, one per name in classes. */
function checkClassTokens(extra: Record<string, unknown>, vocabSize: number): void {
  const ids = extra.class_token_ids;
  if (ids === undefined || ids === null) return;
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new ModelFormatError(
      `config.json: class_token_ids must be a non-empty list of token ids (got ${JSON.stringify(ids)})`,
    );
  }
  const bad = ids.filter((id) => !(Number.isInteger(id) && id >= 0 && id < vocabSize));
  if (bad.length) {
    throw new ModelFormatError(
      `config.json: class_token_ids ${JSON.stringify(bad)} are not token ids of the vocabulary (0..${vocabSize - 1})`,
    );
  }
  if (new Set(ids).size !== ids.length)
    throw new ModelFormatError(`config.json: class_token_ids repeat an id (${JSON.stringify(ids)})`);
  const names = extra.classes;
  if (!Array.isArray(names) || names.length !== ids.length || !names.every((n) => typeof n === 'string')) {
    throw new ModelFormatError(
      `config.json: classes must name each of the ${ids.length} class_token_ids (got ${JSON.stringify(names)})`,
    );
  }
}

/** nanoGPT before PyTorch 2 also saved each layer's causal mask as a buffer "transformer.h.N.attn.bias". */
const MASK_BUFFER = /^transformer\.h\.\d+\.attn\.bias$/;

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/** "has N non-finite values (the first, NaN, at index i)" or null when every value is finite. */
function nonFinite(data: Float32Array): string | null {
  let count = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (!count) return null;
  return `has ${count} non-finite value${count > 1 ? 's' : ''} (the first, ${data[first]}, at index ${first}): the weights are damaged or the training diverged`;
}

/**
 * Builds a GPT from the two files. Checks that the keys are exactly nanoGPT's for the config (the
 * tied pair may come as either or both names; old nanoGPT mask buffers are ignored), that shapes
 * and dtypes match, that every weight is finite (no NaN or ±Infinity), and throws ModelFormatError
 * naming every problem found.
 */
export function importModel(safetensors: Uint8Array, configJson: string, trainable = true): ImportedModel {
  const { config, vocab, extra } = parseModelConfig(configJson);
  let file;
  try {
    file = decodeSafetensors(safetensors);
  } catch (e) {
    throw new ModelFormatError(`model.safetensors: ${(e as Error).message}`);
  }
  const tensors = file.tensors;
  const problems: string[] = [];

  // The tied embedding/head: accept either name (a deduplicating saver keeps one), check both agree.
  const wte = tensors.get(WTE);
  const head = tensors.get(LM_HEAD);
  if (wte && head && wte.dtype === 'F32' && head.dtype === 'F32') {
    if (wte.shape.join() !== head.shape.join() || !sameValues(wte.data, head.data)) {
      problems.push(`${LM_HEAD} differs from ${WTE}, but this GPT ties them (as nanoGPT does)`);
    }
  }
  const embedding = wte ?? head;

  const expected = parameterNames(config);
  const missing = expected.filter((n) => !(n === WTE ? embedding : tensors.has(n)));
  if (missing.length) problems.push(`missing keys: ${missing.join(', ')}`);
  const known = new Set([...expected, LM_HEAD]);
  const unexpected = [...tensors.keys()].filter((n) => !known.has(n) && !MASK_BUFFER.test(n));
  if (unexpected.length) problems.push(`unexpected keys: ${unexpected.join(', ')}`);

  const weights: { name: string; data: Float32Array; shape: number[] }[] = [];
  for (const name of expected) {
    const t = name === WTE ? embedding : tensors.get(name);
    if (!t) continue;
    const shape = parameterShape(config, name);
    const fileShape = isLinearWeight(name) ? [shape[1], shape[0]] : shape;
    if (t.dtype !== 'F32') {
      problems.push(`${name} has dtype ${t.dtype}, expected F32`);
    } else if (t.shape.join() !== fileShape.join()) {
      problems.push(`${name} has shape [${t.shape}] but the config needs [${fileShape}]`);
    } else {
      const bad = nonFinite(t.data);
      if (bad) {
        problems.push(`${name} ${bad}`);
        continue;
      }
      const data = isLinearWeight(name) ? transpose(t.data, shape[1], shape[0]) : t.data;
      weights.push({ name, data, shape });
    }
  }
  if (problems.length) throw new ModelFormatError(`model.safetensors does not fit config.json: ${problems.join('; ')}`);

  const map = new Map<string, tf.Tensor>();
  try {
    for (const w of weights) map.set(w.name, tf.tensor(w.data, w.shape, 'float32'));
    return { model: new GPT(config, map, trainable), vocab, extra };
  } finally {
    map.forEach((t) => t.dispose());
  }
}
