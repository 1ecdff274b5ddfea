// npm run --silent pretrain -- [--task T] [--teacher SIZE] [--teacher-steps N] [--json]:
// trains a teacher for each built-in task on its teacher split (hard labels) and writes it to
// public/teachers/<task>/ in the export format; config.json's `pretrain` entry records how it was
// made (recipe, command, test accuracy). The app and the CLI distil from these at once.

import { BUILTIN_TASKS, parameterCount, taskOptions, sizeSpec, type RunConfig, type TaskId } from '../config';
import { buildTask } from '../data';
import { exportModel } from '../model/export';
import { evaluateModel, indexSplit } from '../train/evaluate';
import { DistillationRun, fixedControl } from '../train/run';
import { taskExtra } from '../train/taskExtra';
import { parseFlags, RUN_FLAGS, runFlags } from './args';
import { useNodeBackend } from './backend';
import { runMain, UsageError } from './main';
import { saveModelDir } from './modelDir';
import { assertMemoryFits } from './nodeRun';
import { Progress } from './progress';
import { shippedTeacherDir } from './teachers';

/** How the shipped teachers are made: sized so that `npm run pretrain` finishes on a 2-core CPU. */
export const PRETRAIN_RECIPE: Record<'sentiment' | 'grammar' | 'modadd', { teacher: string; teacherSteps: number }> = {
  sentiment: { teacher: 'teacher-s', teacherSteps: 1500 },
  grammar: { teacher: 'teacher-s', teacherSteps: 1500 },
  modadd: { teacher: 'teacher-s', teacherSteps: 1500 },
};

const USAGE = `usage: npm run --silent pretrain -- [--task sentiment|grammar|modadd] [--teacher SIZE] [--teacher-steps N] [--seed N] [--backend B] [--json]
  Trains each built-in task's teacher and writes public/teachers/<task>/ (model.safetensors + config.json).`;

export interface ManifestEntry {
  task: TaskId;
  size: string;
  parameters: number;
  teacherSteps: number;
  seed: number;
  lr: number;
  batchSize: number;
  testAccuracy: number;
  testMacroF1?: number;
  testPerplexity?: number;
  backend: string;
  seconds: number;
  command: string;
}

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), RUN_FLAGS);
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const tasks = (values.task ? [values.task] : BUILTIN_TASKS) as TaskId[];
  for (const t of tasks)
    if (!BUILTIN_TASKS.includes(t))
      throw new UsageError(`pretrain covers built-in tasks only (${BUILTIN_TASKS.join(', ')})`);
  const backend = await useNodeBackend((values.backend ?? 'wasm') as 'wasm');
  const progress = new Progress();
  const results: ManifestEntry[] = [];
  for (const task of tasks) {
    const recipe = PRETRAIN_RECIPE[task as keyof typeof PRETRAIN_RECIPE];
    const { config: base } = runFlags({
      ...values,
      task,
      teacher: values.teacher ?? recipe.teacher,
      'teacher-steps': values['teacher-steps'] ?? String(recipe.teacherSteps),
    });
    const config: RunConfig = { ...base, evalEvery: Math.max(50, Math.round(base.teacherSteps / 10)) };
    const started = Date.now();
    const data = buildTask(task, taskOptions(config));
    assertMemoryFits(config, data); // before the teacher is allocated
    const run = new DistillationRun(data, config, fixedControl(config.hyper), {
      onPoints: (p) =>
        progress.update(
          `${task}: teacher step ${p[p.length - 1].step}/${config.teacherSteps} loss ${p[p.length - 1].values.total?.toFixed(4)}`,
        ),
      onEval: (r) =>
        progress.update(`${task}: step ${r.step} val accuracy ${((r.teacher?.accuracy ?? 0) * 100).toFixed(1)}%`, true),
    });
    await run.trainTeacher();
    const test = await evaluateModel(run.teacher, data, data.test, indexSplit(data, data.test));
    const entry: ManifestEntry = {
      task,
      size: sizeSpec(run.teacher.config),
      parameters: parameterCount(run.teacher.config),
      teacherSteps: config.teacherSteps,
      seed: config.seed,
      lr: config.hyper.lr,
      batchSize: config.hyper.batchSize,
      testAccuracy: test.metrics.accuracy,
      testMacroF1: test.metrics.macroF1,
      testPerplexity: data.kind === 'generation' ? test.metrics.perplexity : undefined,
      backend,
      seconds: (Date.now() - started) / 1000,
      command: `npm run pretrain -- --task ${task} --teacher ${sizeSpec(run.teacher.config)} --teacher-steps ${config.teacherSteps} --seed ${config.seed}`,
    };
    await saveModelDir(
      shippedTeacherDir(task),
      await exportModel(run.teacher, data.vocab, { ...taskExtra(data), role: 'teacher', pretrain: entry }),
    );
    run.dispose();
    progress.done(
      `${task}: ${entry.size} teacher, test accuracy ${(entry.testAccuracy * 100).toFixed(1)}% in ${entry.seconds.toFixed(0)} s → ${shippedTeacherDir(task)}`,
    );
    results.push(entry);
  }
  if (values.json) process.stdout.write(`${JSON.stringify({ teachers: results })}\n`);
}

runMain(main, USAGE);
