// npm run --silent sweep -- [--temperatures 1,4] [--alphas 0.5,0.9] [--seeds 1,2] [--controls all|none|LIST]
// [--students student-s,...] [run flags] [--json]: the Experiments view's sweep from the command line
// (src/train/sweep.ts): every member trained as one stack per student size on the same batches,
// printed as the heat-map's numbers (KD gain ± 2 SE per T × α cell), the controls and calibration
// at the last evaluation. The run flags (task, teacher, batch, lr, steps, …) are distill's.

import { sizeSpec, taskOptions, type SizeSpec } from '../config';
import { buildTask, type Task } from '../data';
import type { GPT } from '../model/gpt';
import {
  SWEEP_CONTROLS,
  DEFAULT_SMOOTHING,
  membersPerGroup,
  type SweepConfig,
  type SweepControl,
  type SweepReport,
} from '../sweepConfig';
import { DistillationRun, fixedControl } from '../train/run';
import { checkSweepFits, SweepRun } from '../train/sweep';
import { parseFlags, RUN_FLAGS, RUN_FLAGS_USAGE, runFlags } from './args';
import { useNodeBackend } from './backend';
import { runMain, UsageError } from './main';
import { nodeMemoryLimits } from './nodeRun';
import { Progress } from './progress';
import { loadShippedTeacher } from './teachers';

const USAGE = `usage: npm run --silent sweep -- [sweep flags] [run flags]
  --temperatures LIST    grid rows, e.g. 1,2,4 (default 1,4)
  --alphas LIST          grid columns, each in (0, 1] (default 0.5,0.9)
  --seeds LIST           initialisation seeds; gains are paired by seed (default 1,2)
  --controls all|none|LIST   ${SWEEP_CONTROLS.join(',')} (default all)
  --students LIST        student sizes, one stack each: a capacity ladder (default: --student)
${RUN_FLAGS_USAGE}`;

const list = (raw: string | undefined, fallback: string): string[] =>
  (raw ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const numbers = (raw: string | undefined, fallback: string, flag: string): number[] =>
  list(raw, fallback).map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n)) throw new UsageError(`--${flag}: "${s}" is not a number`);
    return n;
  });
const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function printReport(r: SweepReport): string {
  const lines = [
    `student ${r.student} (${r.parameters.toLocaleString('en-US')} parameters), step ${r.step}/${r.steps}, ${r.seeds.length} seed(s), ${r.rows} validation rows; teacher ${pct(r.teacherAccuracy)}, baseline ${pct(r.baselineAccuracy)}`,
  ];
  lines.push(`KD gain, points ± 2 SE (rows: T; columns: α = ${r.alphas.join(', ')}):`);
  r.temperatures.forEach((T, t) => {
    const cells = r.alphas.map((_, a) => {
      const c = r.cells[t * r.alphas.length + a];
      return `${pts(c.gain.gain)} ± ${(2 * c.gain.se * 100).toFixed(1)}`.padStart(16);
    });
    lines.push(`  T = ${String(T).padEnd(4)} ${cells.join('')}`);
  });
  const ref = r.cells[r.reference.t * r.alphas.length + r.reference.a];
  lines.push(
    `reference cell T = ${ref.temperature}, α = ${ref.alpha}: distilled ${pct(ref.accuracy)}, gain ${pts(ref.gain.gain)} ± ${(2 * ref.gain.se * 100).toFixed(1)} (per seed: ${ref.gain.perSeed.map(pts).join(', ')})`,
  );
  for (const c of r.controls) {
    lines.push(
      `  ${c.control.padEnd(16)} ${pct(c.accuracy)}  gain ${pts(c.gain.gain)} ± ${(2 * c.gain.se * 100).toFixed(1)}  = ${ref.gain.gain !== 0 ? `${((c.gain.gain / ref.gain.gain) * 100).toFixed(0)}%` : '—'} of the reference gain`,
    );
  }
  const cal = r.calibration;
  if (cal) {
    lines.push(
      `temperature scaling of the baseline (fit ${cal.fitRows} rows, measured on ${cal.heldOutRows}): T = ${cal.temperature.toFixed(2)}, NLL ${cal.nllBefore.toFixed(3)} → ${cal.nllAfter.toFixed(3)}, ECE ${pct(cal.eceBefore)} → ${pct(cal.eceAfter)}; distilled NLL ${cal.distilledNll.toFixed(3)}, ECE ${pct(cal.distilledEce)}`,
    );
  }
  return lines.join('\n');
}

async function teacherFor(task: Task, config: SweepConfig): Promise<{ teacher: GPT; config: SweepConfig }> {
  if (config.run.teacherSteps === 0) {
    const teacher = await loadShippedTeacher(task);
    return { teacher, config: { ...config, run: { ...config.run, teacher: sizeSpec(teacher.config) } } };
  }
  const trainer = new DistillationRun(task, config.run, fixedControl(config.run.hyper));
  await trainer.trainTeacher();
  return { teacher: trainer.teacher, config };
}

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), {
    ...RUN_FLAGS,
    temperatures: { type: 'string' },
    alphas: { type: 'string' },
    seeds: { type: 'string' },
    controls: { type: 'string' },
    students: { type: 'string' },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const flags = runFlags(values);
  if (flags.data) throw new UsageError('sweeps run on the built-in tasks');
  const controls =
    values.controls === 'none'
      ? []
      : values.controls === undefined || values.controls === 'all'
        ? [...SWEEP_CONTROLS]
        : (list(values.controls, '') as SweepControl[]);
  let config: SweepConfig = {
    run: flags.config,
    temperatures: numbers(values.temperatures, '1,4', 'temperatures'),
    alphas: numbers(values.alphas, '0.5,0.9', 'alphas'),
    seeds: numbers(values.seeds, '1,2', 'seeds'),
    controls,
    students: list(values.students, flags.config.student) as SizeSpec[],
    smoothing: DEFAULT_SMOOTHING,
  };
  const backend = await useNodeBackend(flags.backend);
  const task = buildTask(config.run.task, taskOptions(config.run));
  const loaded = await teacherFor(task, config);
  config = loaded.config;
  const estimate = checkSweepFits(config, task, nodeMemoryLimits());
  const progress = new Progress();
  const started = Date.now();
  const run = new SweepRun(task, config, loaded.teacher, undefined, {
    onPhase: (g, phase, detail) => progress.update(`[${config.students[g]} ${phase}] ${detail}`, true),
    onProgress: (p) => progress.update(`${config.students[p.group]} step ${p.step}/${p.steps}`),
    onReport: (r) =>
      progress.update(
        `${r.student} step ${r.step}: best cell ${pts(Math.max(...r.cells.map((c) => c.gain.gain)))} pts`,
        true,
      ),
  });
  await run.run();
  const seconds = (Date.now() - started) / 1000;
  const finals = run.reports.filter((r) => r.final);
  progress.done(`done in ${seconds.toFixed(0)} s`);
  const c = config.run;
  process.stdout.write(
    `task ${c.task}: teacher ${c.teacher}, ${membersPerGroup(config)} students per stack, batch ${c.hyper.batchSize}, lr ${c.hyper.lr}, ${c.steps} steps, ${c.labelled} labelled + ${c.transfer} transfer rows, batch order of seed ${c.seed}, ${backend}; ` +
      `memory estimate ${(estimate.peak / 1024 ** 2).toFixed(0)} MiB; ${seconds.toFixed(0)} s\n`,
  );
  for (const r of finals) process.stdout.write(`${printReport(r)}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify({ config, backend, seconds, reports: finals })}\n`);
  loaded.teacher.dispose();
}

runMain(main, USAGE);
