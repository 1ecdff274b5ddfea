// npm run --silent experiment -- [--seeds N] [run flags] [--json]: the default scenario on N seeds
// (seeds 1..N: student initialisation and batch order), reporting mean ± standard error of test
// accuracy for teacher, distilled student and baseline, and whether the KD gain exceeds twice its
// standard error. A program that prints figures, not a test.

import { parseFlags, RUN_FLAGS, RUN_FLAGS_USAGE, runFlags } from './args';
import { useNodeBackend } from './backend';
import { runMain, UsageError } from './main';
import { loadCustomData, runInNode, type Summary } from './nodeRun';
import { Progress } from './progress';
import { meanSe, type MeanSe } from './stats';

const USAGE = `usage: npm run --silent experiment -- [--seeds N] [flags]
  --seeds N              seeds 1..N (default 3)
${RUN_FLAGS_USAGE}`;

const fmt = (m: MeanSe) => `${(m.mean * 100).toFixed(1)} ± ${(m.se * 100).toFixed(1)}`;

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), { ...RUN_FLAGS, seeds: { type: 'string' } });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const seeds = Number(values.seeds ?? 3);
  if (!Number.isInteger(seeds) || seeds < 2 || seeds > 50)
    throw new UsageError('--seeds must be a whole number from 2 to 50');
  const flags = runFlags(values);
  const custom = await loadCustomData(flags.config.task, flags.data);
  const backend = await useNodeBackend(flags.backend);
  const progress = new Progress();
  const runs: Summary[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    progress.update(`seed ${seed}/${seeds}`, true);
    const { summary, run } = await runInNode(
      { ...flags.config, seed },
      { backend, custom, teacherExplicit: flags.teacherExplicit, progress },
    );
    run.dispose();
    runs.push(summary);
    progress.done(
      `seed ${seed}: teacher ${(summary.teacher.accuracy * 100).toFixed(1)}%  student ${(summary.student.accuracy * 100).toFixed(1)}%  baseline ${(summary.baseline.accuracy * 100).toFixed(1)}%  (${summary.wallSeconds.toFixed(0)} s)`,
    );
  }
  const teacher = meanSe(runs.map((r) => r.teacher.accuracy));
  const student = meanSe(runs.map((r) => r.student.accuracy));
  const baseline = meanSe(runs.map((r) => r.baseline.accuracy));
  const gain = meanSe(runs.map((r) => r.kdGain));
  const significant = gain.mean > 2 * gain.se;
  const c = runs[0].config;
  const lines = [
    `task ${c.task}: teacher ${c.teacher}, student ${c.student}, T=${c.hyper.temperature}, alpha=${c.hyper.alpha}, ${c.steps} steps, ${c.labelled} labelled + ${c.transfer} transfer rows, ${seeds} seeds, ${backend}`,
    `test accuracy (%), mean ± standard error over seeds:`,
    `  teacher            ${fmt(teacher)}`,
    `  distilled student  ${fmt(student)}`,
    `  baseline student   ${fmt(baseline)}`,
    `  KD gain (paired)   ${fmt(gain)}  → ${significant ? 'exceeds' : 'does NOT exceed'} twice its standard error`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (flags.json) {
    const perSeed = runs.map((r) => ({
      seed: r.config.seed,
      teacher: r.teacher.accuracy,
      student: r.student.accuracy,
      baseline: r.baseline.accuracy,
      seconds: r.wallSeconds,
    }));
    process.stdout.write(
      `${JSON.stringify({ config: c, seeds, backend, teacher, student, baseline, kdGain: gain, significant, perSeed })}\n`,
    );
  }
}

runMain(main, USAGE);
