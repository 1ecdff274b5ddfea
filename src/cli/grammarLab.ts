// npm run --silent grammar-lab -- [flags]: off-policy, sequence-level and on-policy distillation of
// the shipped grammar teacher from one initial student, scored on their generations against the
// grammar's exact truth (src/train/grammarLab.ts). Prints the table; --json adds the report as JSON.

import { DATASET_SEED, resolveSize, sizeSpec } from '../config';
import { buildGrammarTask } from '../data/grammar';
import {
  DEFAULT_GRAMMAR_LAB,
  grammarLabProblems,
  LAB_LEGEND,
  labTable,
  runGrammarLab,
  type GrammarLabConfig,
} from '../train/grammarLab';
import { numberFlag, parseFlags } from './args';
import { NODE_BACKENDS, useNodeBackend, type NodeBackend } from './backend';
import { runMain, UsageError } from './main';
import { loadShippedTeacher } from './teachers';

const D = DEFAULT_GRAMMAR_LAB;

const USAGE = `usage: npm run --silent grammar-lab -- [flags]
  --steps N              training steps per student (default ${D.steps})
  --lambdas LIST         λ of each on-policy student, each in (0, 1] (default ${D.lambdas.join(',')})
  --student SIZE         preset or LxHxD (default ${sizeSpec(D.student)})
  --batch-size N --lr LR (default ${D.batchSize}, ${D.lr})
  --temperature T --alpha A   the off-policy steps' KD term (default ${D.temperature}, ${D.alpha})
  --corpus M             sentences the teacher samples for sequence-level KD (default ${D.corpus})
  --samples N            sentences each model generates for the metrics (default ${D.samples})
  --seed N               initialisation, batches and samples (default ${D.seed})
  --labelled N --transfer N   the task's labelled and transfer rows (default ${D.labelled}, ${D.transfer})
  --backend ${NODE_BACKENDS.join('|')}   (default wasm)
  --json                 print the report as one JSON object as the last line of stdout`;

const FLAGS = {
  steps: { type: 'string' },
  lambdas: { type: 'string' },
  student: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  temperature: { type: 'string' },
  alpha: { type: 'string' },
  corpus: { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  labelled: { type: 'string' },
  transfer: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];

/** Flags → a validated lab config; every problem is a UsageError sentence. */
export function grammarLabConfigFromFlags(v: Values): GrammarLabConfig {
  let student = D.student;
  if (v.student !== undefined) {
    try {
      student = resolveSize(v.student);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const lambdas =
    v.lambdas === undefined
      ? D.lambdas
      : v.lambdas
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => numberFlag(s, 'lambdas', 0));
  const config: GrammarLabConfig = {
    student,
    steps: numberFlag(v.steps, 'steps', D.steps),
    lambdas,
    batchSize: numberFlag(v['batch-size'], 'batch-size', D.batchSize),
    lr: numberFlag(v.lr, 'lr', D.lr),
    temperature: numberFlag(v.temperature, 'temperature', D.temperature),
    alpha: numberFlag(v.alpha, 'alpha', D.alpha),
    corpus: numberFlag(v.corpus, 'corpus', D.corpus),
    samples: numberFlag(v.samples, 'samples', D.samples),
    seed: numberFlag(v.seed, 'seed', D.seed),
    labelled: numberFlag(v.labelled, 'labelled', D.labelled),
    transfer: numberFlag(v.transfer, 'transfer', D.transfer),
  };
  const problems = grammarLabProblems(config);
  if (problems.length) throw new UsageError(problems.join('; '));
  return config;
}

function backendFrom(raw: string | undefined): NodeBackend {
  const b = (raw ?? 'wasm') as NodeBackend;
  if (!NODE_BACKENDS.includes(b))
    throw new UsageError(`--backend must be one of ${NODE_BACKENDS.join(', ')} (got "${raw}")`);
  return b;
}

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), FLAGS);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = grammarLabConfigFromFlags(values);
  const backend = await useNodeBackend(backendFrom(values.backend));
  const task = buildGrammarTask({ seed: DATASET_SEED, labelled: config.labelled, transfer: config.transfer });
  const teacher = await loadShippedTeacher(task);
  const t0 = performance.now();
  let last = 0;
  const report = await runGrammarLab(teacher, config, {
    onProgress(p) {
      const now = performance.now();
      if (p.type === 'train' && p.step < p.steps && now - last < 5000) return;
      last = now;
      const who = 'kind' in p ? `${p.kind}${p.lambda !== undefined ? ` λ=${p.lambda}` : ''}` : 'corpus';
      const what =
        p.type === 'train'
          ? `step ${p.step}/${p.steps}`
          : p.type === 'corpus'
            ? `${p.sentences} sentences`
            : 'evaluating';
      process.stderr.write(`[${((now - t0) / 1000).toFixed(0)}s] ${who}: ${what}\n`);
    },
  });
  teacher.dispose();
  const seconds = (performance.now() - t0) / 1000;
  const c = config;
  process.stdout.write(
    `grammar lab on ${backend}: student ${sizeSpec(c.student)}, ${c.steps} steps each, batch ${c.batchSize}, lr ${c.lr}, ` +
      `off-policy T = ${c.temperature}, α = ${c.alpha}; corpus ${c.corpus}; ${c.samples} samples per model; seed ${c.seed}; ${seconds.toFixed(0)} s\n\n`,
  );
  process.stdout.write(`${labTable(report)}\n\n${LAB_LEGEND}\n`);
  const times = report.rows
    .filter((r) => r.trainSeconds !== undefined)
    .map((r) => `${r.kind}${r.lambda !== undefined ? ` λ=${r.lambda}` : ''} ${r.trainSeconds!.toFixed(1)} s`);
  process.stdout.write(`training time: ${times.join(', ')}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify({ ...report, seconds })}\n`);
}

if (process.argv[1]?.endsWith('grammarLab.ts')) runMain(main, USAGE);
