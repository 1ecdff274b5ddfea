// npm run --silent bench:onpolicy -- [flags]: ms and kernels per step of the on-policy and
// sequence-level KD steps relative to the logit-KD step, measured in one run (src/bench/onPolicy.ts).

import { DATASET_SEED, resolveSize } from '../config';
import { buildGrammarTask } from '../data/grammar';
import {
  DEFAULT_ON_POLICY_BENCH as D,
  onPolicyReport,
  runOnPolicyBench,
  type OnPolicyBenchConfig,
} from '../bench/onPolicy';
import { NODE_BACKENDS, useNodeBackend, type NodeBackend } from './backend';
import { numberFlag, parseFlags } from './args';
import { runMain, UsageError } from './main';
import { loadShippedTeacher } from './teachers';

const USAGE = `usage: npm run --silent bench:onpolicy -- [flags]
  --backend ${NODE_BACKENDS.join('|')}   (default wasm)
  --student SIZE         preset or LxHxD (default student-s)
  --batch-size N         (default ${D.batchSize})
  --corpus M             sequence-level corpus size, sampled once and timed (default ${D.corpus})
  --rounds R --block N   interleaved timing: R rounds of N-step blocks (default ${D.rounds} x ${D.block})
  --warmup N             untimed steps per subject first (default ${D.warmup})
  --json                 print one JSON object as the last line of stdout`;

const FLAGS = {
  backend: { type: 'string' },
  student: { type: 'string' },
  'batch-size': { type: 'string' },
  corpus: { type: 'string' },
  rounds: { type: 'string' },
  block: { type: 'string' },
  warmup: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function whole(raw: string | undefined, flag: string, fallback: number, min: number): number {
  const n = numberFlag(raw, flag, fallback, min);
  if (!Number.isInteger(n)) throw new UsageError(`--${flag} must be a whole number ≥ ${min} (got "${raw}")`);
  return n;
}

async function main(): Promise<void> {
  const { values: v } = parseFlags(process.argv.slice(2), FLAGS);
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const backend = (v.backend ?? 'wasm') as NodeBackend;
  if (!NODE_BACKENDS.includes(backend)) throw new UsageError(`--backend must be one of ${NODE_BACKENDS.join(', ')}`);
  let student = D.student;
  if (v.student !== undefined) {
    try {
      student = resolveSize(v.student);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const config: OnPolicyBenchConfig = {
    ...D,
    student,
    batchSize: whole(v['batch-size'], 'batch-size', D.batchSize, 1),
    corpus: whole(v.corpus, 'corpus', D.corpus, 1),
    rounds: whole(v.rounds, 'rounds', D.rounds, 1),
    block: whole(v.block, 'block', D.block, 1),
    warmup: whole(v.warmup, 'warmup', D.warmup, 1),
  };
  const device = await useNodeBackend(backend);
  const teacher = await loadShippedTeacher(buildGrammarTask({ seed: DATASET_SEED, labelled: 200, transfer: 2000 }));
  const result = await runOnPolicyBench(teacher, config);
  teacher.dispose();
  process.stdout.write(`${onPolicyReport(result, device)}\n`);
  if (v.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

runMain(main, USAGE);
