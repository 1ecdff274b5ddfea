// npm run --silent bench -- [flags]: prints the speed figures of BENCHMARKS.md for the backend it runs
// on (a program that prints figures, not a timed test). See src/bench/harness.ts and subjects.ts for what is measured.

import * as tf from '@tensorflow/tfjs';
import { ALL_TASKS, resolveSize, type SizeSpec, type TaskId } from '../config';
import { defaultBenchConfig, runBench, type BenchConfig, type BenchResult } from '../bench/harness';
import { OBJECTIVE_KINDS, STEP_KINDS, STEP_LABELS, type StepKind } from '../bench/subjects';
import { NODE_BACKENDS, useNodeBackend, type NodeBackend } from './backend';
import { numberFlag, parseFlags } from './args';
import { runMain, UsageError } from './main';

const D = defaultBenchConfig();

const USAGE = `usage: npm run --silent bench -- [flags]
  --backend ${NODE_BACKENDS.join('|')}   (default wasm)
  --task ${ALL_TASKS.slice(0, 3).join('|')}     task shapes (vocabulary, sequence length) (default ${D.task})
  --teacher SIZE --student SIZE   preset or LxHxD (default ${D.teacher}, ${D.student})
  --batch-size N         (default ${D.batchSize})
  --temperature T --alpha A       logit-KD settings (default ${D.kd.temperature}, ${D.kd.alpha})
  --beta B --gamma G --delta D    intermediate terms of the intermediate step (default ${D.intermediate.beta} each)
  --steps N              steps of each leak check and of the whole-run check (default ${D.leakSteps})
  --run-steps N          steps of the whole-run check only (default: --steps; 0 skips it)
  --leak-seconds S       cap each subject's leak check at about S seconds (default ${D.leakSeconds})
  --rounds R --block N   interleaved timing: R rounds of N-step blocks (default ${D.rounds} x ${D.block})
  --warmup N             untimed steps per subject first (default ${D.warmup})
  --only K,K             step kinds: ${STEP_KINDS.join(',')}
  --no-naive             skip the straightforward path
  --json                 print one JSON object as the last line of stdout`;

const FLAGS = {
  backend: { type: 'string' },
  task: { type: 'string' },
  teacher: { type: 'string' },
  student: { type: 'string' },
  'batch-size': { type: 'string' },
  seed: { type: 'string' },
  temperature: { type: 'string' },
  alpha: { type: 'string' },
  beta: { type: 'string' },
  gamma: { type: 'string' },
  delta: { type: 'string' },
  steps: { type: 'string' },
  'run-steps': { type: 'string' },
  'leak-seconds': { type: 'string' },
  rounds: { type: 'string' },
  block: { type: 'string' },
  warmup: { type: 'string' },
  only: { type: 'string' },
  'no-naive': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const num = (raw: string | undefined, flag: string, fallback: number, min = 0) => numberFlag(raw, flag, fallback, min);

function size(raw: string | undefined, fallback: SizeSpec): SizeSpec {
  if (raw === undefined) return fallback;
  try {
    resolveSize(raw);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return raw as SizeSpec;
}

export function benchConfigFromFlags(v: ReturnType<typeof parseFlags<typeof FLAGS>>['values']): BenchConfig {
  const task = (v.task ?? D.task) as TaskId;
  if (!ALL_TASKS.slice(0, 3).includes(task))
    throw new UsageError(`--task must be one of ${ALL_TASKS.slice(0, 3).join(', ')}`);
  const batchSize = num(v['batch-size'], 'batch-size', D.batchSize, 1);
  const kd = {
    ...D.kd,
    batchSize,
    temperature: num(v.temperature, 'temperature', D.kd.temperature, 0.5),
    alpha: num(v.alpha, 'alpha', D.kd.alpha),
  };
  const intermediate = {
    ...kd,
    beta: num(v.beta, 'beta', D.intermediate.beta),
    gamma: num(v.gamma, 'gamma', D.intermediate.gamma),
    delta: num(v.delta, 'delta', D.intermediate.delta),
  };
  if (intermediate.beta + intermediate.gamma + intermediate.delta === 0)
    throw new UsageError('the intermediate step needs one of --beta/--gamma/--delta > 0');
  let only: StepKind[] | undefined;
  if (v.only !== undefined) {
    only = v.only.split(',').map((s) => s.trim()) as StepKind[];
    const bad = only.filter((k) => !STEP_KINDS.includes(k));
    if (bad.length) throw new UsageError(`--only: unknown step kind ${bad.join(', ')} (use ${STEP_KINDS.join(', ')})`);
  }
  const steps = num(v.steps, 'steps', D.leakSteps, 1);
  return {
    ...D,
    task,
    teacher: size(v.teacher, D.teacher),
    student: size(v.student, D.student),
    batchSize,
    seed: num(v.seed, 'seed', D.seed),
    kd,
    intermediate,
    leakSteps: steps,
    runSteps: num(v['run-steps'], 'run-steps', steps, 0),
    leakSeconds: num(v['leak-seconds'], 'leak-seconds', D.leakSeconds, 0),
    rounds: num(v.rounds, 'rounds', D.rounds, 1),
    block: num(v.block, 'block', D.block, 1),
    warmup: num(v.warmup, 'warmup', D.warmup, 1),
    only,
    noNaive: Boolean(v['no-naive']),
  };
}

const fmt = (x: number, digits = 1) => (x >= 100 ? x.toFixed(0) : x.toFixed(digits));

export function report(r: BenchResult, device: string): string {
  const c = r.config;
  const lines = [
    `backend ${device}`,
    `config: task ${c.task} (vocab ${c.vocabSize}, seqLen ${c.seqLen}), teacher ${c.teacher}, student ${c.student}, batch ${c.batchSize}; ` +
      `KD α=${c.kd.alpha} T=${c.kd.temperature}; intermediate β=${c.intermediate.beta} γ=${c.intermediate.gamma} δ=${c.intermediate.delta}; ` +
      `timing ${c.rounds} interleaved rounds × ${c.block} steps`,
    '',
    'step                 path        steps/s   tokens/s  kernels/step (compute)' +
      (r.results.some((x) => x.dispatchesPerStep !== undefined) ? '  dispatches' : '') +
      '  live tensors before → after (steps)',
  ];
  for (const x of r.results) {
    const leak = x.leak
      ? `${x.leak.tensorsBefore} → ${x.leak.tensorsAfter} (${x.leak.steps}); bytes ${x.leak.bytesBefore} → ${x.leak.bytesAfter}`
      : '';
    const disp = x.dispatchesPerStep !== undefined ? String(x.dispatchesPerStep).padStart(12) : '';
    lines.push(
      `${x.kind.padEnd(20)} ${x.path.padEnd(10)} ${fmt(x.stepsPerSec, 2).padStart(8)} ${fmt(x.tokensPerSec).padStart(10)} ${String(x.kernelsPerStep).padStart(13)} ${`(${x.computeKernelsPerStep})`.padStart(9)}${disp}  ${leak}`,
    );
  }
  lines.push('', 'step kinds:');
  for (const k of STEP_KINDS)
    if (r.results.some((x) => x.kind === k)) lines.push(`  ${k.padEnd(18)} ${STEP_LABELS[k]}`);
  lines.push('', 'ratios of ms/step, measured in the same rounds (median; per round):');
  for (const q of r.ratios)
    lines.push(`  ${q.name}: ${q.median.toFixed(3)}  [${q.perRound.map((x) => x.toFixed(3)).join(', ')}]`);
  const find = (kind: StepKind, path: string) => r.results.find((x) => x.kind === kind && x.path === path);
  const hasDispatches = r.results.some((x) => x.dispatchesPerStep !== undefined);
  lines.push(
    '',
    `per step, optimised / naive (target for distillation steps ≤ 0.333): kernels; compute kernels${hasDispatches ? '; GPU dispatches' : ''}`,
  );
  for (const kind of STEP_KINDS) {
    const a = find(kind, 'optimised');
    const b = find(kind, 'naive');
    if (!a || !b) continue;
    const q = (x: number, y: number) => `${x} / ${y} = ${(x / y).toFixed(3)}`;
    const d =
      hasDispatches && a.dispatchesPerStep !== undefined && b.dispatchesPerStep !== undefined
        ? `; ${q(a.dispatchesPerStep, b.dispatchesPerStep)}`
        : '';
    lines.push(
      `  ${kind.padEnd(18)} ${q(a.kernelsPerStep, b.kernelsPerStep)}; ${q(a.computeKernelsPerStep, b.computeKernelsPerStep)}${d}`,
    );
  }
  const kd = find('kd', 'optimised');
  const variants = OBJECTIVE_KINDS.map((k) => find(k, 'optimised')).filter((x) => x !== undefined);
  if (kd && variants.length) {
    lines.push(
      '',
      'the objective’s choices, per step relative to logit KD (forward KL) in the same run: kernels; ms (median of per-round ratios)',
    );
    for (const v of variants) {
      const ms = r.ratios.find((q) => q.a === `${v.kind}/optimised` && q.b === 'kd/optimised');
      lines.push(
        `  ${v.kind.padEnd(18)} ${v.kernelsPerStep} / ${kd.kernelsPerStep} = ${(v.kernelsPerStep / kd.kernelsPerStep).toFixed(3)}; ms ${ms ? ms.median.toFixed(3) : '—'}`,
      );
    }
  }
  if (r.run) {
    const m = r.run;
    lines.push(
      '',
      `whole run (DistillationRun.distill, ${m.steps} lockstep steps, then dispose): live tensors ` +
        `${m.start.tensors} at start, ${m.firstStep.tensors} before step 1, ${m.afterFirstStep.tensors} after step 1 ` +
        `(+ the teacher's softmax at T), ${m.lastStep.tensors} after the last step, ${m.afterReset.tensors} after reset ` +
        `(bytes ${m.start.bytes}, ${m.firstStep.bytes}, ${m.afterFirstStep.bytes}, ${m.lastStep.bytes}, ${m.afterReset.bytes})`,
    );
  }
  return lines.join('\n');
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
  const config = benchConfigFromFlags(values);
  const device = await useNodeBackend(backendName);
  const result = await runBench(config, { log: (line) => process.stderr.write(`[bench] ${line}\n`) });
  if (tf.getBackend() !== backendName) throw new Error(`the bench ended on ${tf.getBackend()}, not ${backendName}`);
  process.stdout.write(`${report(result, device)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify({ device, ...result })}\n`);
}

runMain(main, USAGE);
