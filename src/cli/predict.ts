// npm run --silent predict -- --model DIR (--text "…" | --tokens 1,2,3) [--json]:
// the token ids, the logits at every position, and the decoded prediction at the last position.

import * as tf from '@tensorflow/tfjs';
import { useNodeBackend, NODE_BACKENDS, type NodeBackend } from './backend';
import { parseFlags } from './args';
import { runMain, UsageError } from './main';
import { loadModelDir } from './modelDir';
import { decodePrediction, encoderFor, parseTokenIds } from './modelInput';

const USAGE = `usage: npm run --silent predict -- --model DIR (--text "…" | --tokens 1,2,3) [--json] [--backend wasm|cpu|webgpu]
  --model DIR     a directory with model.safetensors + config.json (from distill --out, or public/teachers/<task>)
  --text "…"      input text, encoded as the model's task encodes prompts
  --tokens 1,2,3  input token ids`;

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
  if ((values.text === undefined) === (values.tokens === undefined))
    throw new UsageError('give exactly one of --text and --tokens');
  const backend = (values.backend ?? 'wasm') as NodeBackend;
  if (!NODE_BACKENDS.includes(backend)) throw new UsageError(`unknown backend "${backend}"`);
  await useNodeBackend(backend);
  const { model, vocab, extra } = await loadModelDir(values.model, false);
  const tokens =
    values.tokens !== undefined
      ? parseTokenIds(values.tokens, vocab.length)
      : encoderFor(extra, vocab, model.config.blockSize)(values.text!);
  if (!tokens.length) throw new UsageError('the input is empty');
  if (tokens.length > model.config.blockSize)
    throw new UsageError(`the input has ${tokens.length} tokens; the model reads at most ${model.config.blockSize}`);
  const logitsT = tf.tidy(() => model.forward(tf.tensor2d([tokens], [1, tokens.length], 'int32')).logits.squeeze([0]));
  const logits = (await logitsT.array()) as number[][];
  logitsT.dispose();
  const { prediction: label, predictionId } = decodePrediction(logits[logits.length - 1], extra, vocab);
  const result = { tokens, logits, prediction: label, predictionId, task: extra.task ?? null };
  model.dispose();
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(`tokens: ${tokens.join(' ')} (${tokens.map((t) => vocab[t]).join(' ')})\n`);
    process.stdout.write(`prediction at the last position: ${label}\n`);
  }
}

runMain(main, USAGE);
