// npm run --silent predict -- --model DIR (--text "…" | --tokens 1,2,3) [--json]:
// the token ids, the logits at every position, and the decoded prediction at the last position.

import * as tf from '@tensorflow/tfjs';
import { BUILTIN_TASKS, taskOptions, DEFAULT_CONFIG, type TaskId } from '../config';
import { buildTask } from '../data';
import { useNodeBackend, NODE_BACKENDS, type NodeBackend } from './backend';
import { parseFlags } from './args';
import { runMain, UsageError } from './main';
import { loadModelDir } from './modelDir';

const USAGE = `usage: npm run --silent predict -- --model DIR (--text "…" | --tokens 1,2,3) [--json] [--backend wasm|cpu|webgpu]
  --model DIR     a directory with model.safetensors + config.json (from distill --out, or public/teachers/<task>)
  --text "…"      input text, encoded as the model's task encodes prompts
  --tokens 1,2,3  input token ids`;

/** Encodes text for a model directory: with the built-in task's own encoder where it is one. */
function encoderFor(extra: Record<string, unknown>, vocab: string[]): (text: string) => number[] {
  const task = extra.task as TaskId | undefined;
  if (task && BUILTIN_TASKS.includes(task)) {
    const t = buildTask(task, taskOptions({ labelled: DEFAULT_CONFIG.labelled, transfer: 0 }));
    return (text) => t.encodePrompt(text);
  }
  // Custom tasks: the vocabulary is all there is; words for classification, characters for text.
  const index = new Map(vocab.map((t, i) => [t, i]));
  const bos = index.get('<bos>') ?? 1;
  return (text) => {
    const classification = extra.kind === 'classification';
    const pieces = classification ? text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean) : [...text];
    const ids = pieces.map((p) => {
      const id = index.get(p) ?? index.get('<unk>');
      if (id === undefined) throw new UsageError(`"${p}" is not in the model's vocabulary`);
      return id;
    });
    const sep = index.get('<sep>');
    return classification && sep !== undefined ? [bos, ...ids, sep] : [bos, ...ids];
  };
}

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), {
    model: { type: 'string' },
    text: { type: 'string' },
    tokens: { type: 'string' },
    json: { type: 'boolean' },
    backend: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  if (!values.model) throw new UsageError('--model DIR is required');
  if ((values.text === undefined) === (values.tokens === undefined)) throw new UsageError('give exactly one of --text and --tokens');
  const backend = (values.backend ?? 'wasm') as NodeBackend;
  if (!NODE_BACKENDS.includes(backend)) throw new UsageError(`unknown backend "${backend}"`);
  await useNodeBackend(backend);
  const { model, vocab, extra } = await loadModelDir(values.model, false);
  let tokens: number[];
  if (values.tokens !== undefined) {
    tokens = values.tokens.split(',').map((s) => {
      const n = Number(s.trim());
      if (!Number.isInteger(n) || n < 0 || n >= vocab.length) throw new UsageError(`token "${s}" is not an id in 0..${vocab.length - 1}`);
      return n;
    });
  } else {
    tokens = encoderFor(extra, vocab)(values.text!);
  }
  if (!tokens.length) throw new UsageError('the input is empty');
  if (tokens.length > model.config.blockSize) throw new UsageError(`the input has ${tokens.length} tokens; the model reads at most ${model.config.blockSize}`);
  const logitsT = tf.tidy(() => model.forward(tf.tensor2d([tokens], [1, tokens.length], 'int32')).logits.squeeze([0]));
  const logits = (await logitsT.array()) as number[][];
  logitsT.dispose();
  const last = logits[logits.length - 1];
  const classIds = Array.isArray(extra.class_token_ids) ? (extra.class_token_ids as number[]) : null;
  const classNames = Array.isArray(extra.classes) ? (extra.classes as string[]) : null;
  const candidates = classIds ?? vocab.map((_, i) => i);
  const best = candidates.reduce((a, b) => (last[b] > last[a] ? b : a), candidates[0]);
  const label = classIds && classNames ? classNames[classIds.indexOf(best)] : vocab[best];
  const result = { tokens, logits, prediction: label, predictionId: best, task: extra.task ?? null };
  model.dispose();
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(`tokens: ${tokens.join(' ')} (${tokens.map((t) => vocab[t]).join(' ')})\n`);
    process.stdout.write(`prediction at the last position: ${label}\n`);
  }
}

runMain(main, USAGE);
