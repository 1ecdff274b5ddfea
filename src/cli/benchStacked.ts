// npm run --silent bench:stacked -- [flags]: the model-batched trainer's figures (src/bench/stacked.ts):
// ms/step and kernels/step of a stack of K students against one student, interleaved, on one backend.

import * as tf from '@tensorflow/tfjs';
import { ALL_TASKS, resolveSize, type SizeSpec, type TaskId } from '../config';
import { defaultStackedBenchConfig, runStackedBench, stackedReport, type StackedBenchConfig } from '../bench/stacked';
import { NODE_BACKENDS, useNodeBackend, type NodeBackend } from './backend';
import { numberFlag, parseFlags } from './args';
import { runMain, UsageError } from './main';

const D = defaultStackedBenchConfig();

const USAGE = `usage: npm run --silent bench:stacked -- [flags]
  --backend ${NODE_BACKENDS.join('|')}   (default wasm)
  --task ${ALL_TASKS.slice(0, 3).join('|')}     task shapes (default ${D.task})
  --teacher SIZE --student SIZE   preset or LxHxD (default ${D.teacher}, ${D.student})
  --batch-size N         (default ${D.batchSize})
  --ks K,K,...           stack sizes (default ${D.ks.join(',')})
  --intermediate         β = γ = δ = 1 on the distilled members (teacher forward every step)
  --matmul auto|split|batched|both   member matmuls (default auto: split on wasm, batched elsewhere)
  --batch-equivalent     also time one student at batch K·B for each K (the same arithmetic in one model)
  --rounds R --block N   interleaved timing: R rounds of N-step blocks (default ${D.rounds} x ${D.block})
  --warmup N             untimed steps per subject first (default ${D.warmup})
  --json                 print one JSON object as the last line of stdout`;

const FLAGS = {
  backend: { type: 'string' },
  task: { type: 'string' },
  teacher: { type: 'string' },
  student: { type: 'string' },
  'batch-size': { type: 'string' },
  ks: { type: 'string' },
  intermediate: { type: 'boolean' },
  matmul: { type: 'string' },
  'batch-equivalent': { type: 'boolean' },
  rounds: { type: 'string' },
  block: { type: 'string' },
  warmup: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function size(raw: string | undefined, fallback: SizeSpec): SizeSpec {
  if (raw === undefined) return fallback;
  try {
    resolveSize(raw);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return raw as SizeSpec;
}

export function stackedBenchConfigFromFlags(
  v: ReturnType<typeof parseFlags<typeof FLAGS>>['values'],
): StackedBenchConfig {
  const task = (v.task ?? D.task) as TaskId;
  if (!ALL_TASKS.slice(0, 3).includes(task))
    throw new UsageError(`--task must be one of ${ALL_TASKS.slice(0, 3).join(', ')}`);
  const ks = v.ks === undefined ? D.ks : v.ks.split(',').map((s) => numberFlag(s.trim(), 'ks', 1, 1));
  if (ks.some((k) => !Number.isInteger(k))) throw new UsageError('--ks must be whole numbers ≥ 1, e.g. 1,2,4,8,16');
  const matmul = (v.matmul ?? D.matmul) as StackedBenchConfig['matmul'];
  if (!['auto', 'split', 'batched', 'both'].includes(matmul))
    throw new UsageError('--matmul must be auto, split, batched or both');
  return {
    ...D,
    task,
    teacher: size(v.teacher, D.teacher),
    student: size(v.student, D.student),
    batchSize: numberFlag(v['batch-size'], 'batch-size', D.batchSize, 1),
    ks: ks.includes(1) ? ks : [1, ...ks],
    intermediate: Boolean(v.intermediate),
    matmul,
    batchEquivalent: Boolean(v['batch-equivalent']),
    rounds: numberFlag(v.rounds, 'rounds', D.rounds, 1),
    block: numberFlag(v.block, 'block', D.block, 1),
    warmup: numberFlag(v.warmup, 'warmup', D.warmup, 1),
  };
}

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), FLAGS);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const backendName = (values.backend ?? 'wasm') as NodeBackend;
  if (!NODE_BACKENDS.includes(backendName))
    throw new UsageError(`unknown backend "${backendName}": use one of ${NODE_BACKENDS.join(', ')}`);
  const config = stackedBenchConfigFromFlags(values);
  const device = await useNodeBackend(backendName);
  const result = await runStackedBench(config, (line) => process.stderr.write(`[bench:stacked] ${line}\n`));
  if (tf.getBackend() !== backendName) throw new Error(`the bench ended on ${tf.getBackend()}, not ${backendName}`);
  process.stdout.write(`${stackedReport(result, device)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify({ device, ...result })}\n`);
}

runMain(main, USAGE);
