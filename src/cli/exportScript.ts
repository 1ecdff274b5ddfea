// `distill --export-script DIR`: the run as a PyTorch folder (src/export/kdScript.ts) that
// `python DIR/kd_train.py DIR/run.json` or `torchrun --nproc_per_node=N DIR/kd_train.py DIR/run.json`
// replays. The teacher comes first, as in a distillation run: the shipped one, or one trained here
// for --teacher-steps steps; the distillation itself is left to the script.

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveSize, sizeSpec, taskOptions, type RunConfig } from '../config';
import { buildTask, type CustomData } from '../data';
import { buildKdScript, type KdScriptSources } from '../export/kdScript';
import type { GPT } from '../model/gpt';
import { DistillationRun, fixedControl } from '../train/run';
import { Progress } from './progress';
import { loadShippedTeacher } from './teachers';

const PYTHON_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'export', 'python');

/** kd_train.py and nanogpt.py from src/export/python/: the one copy the app bundles too. */
export async function readKdSources(): Promise<KdScriptSources> {
  const [kdTrain, nanogpt] = await Promise.all([
    readFile(join(PYTHON_DIR, 'kd_train.py'), 'utf8'),
    readFile(join(PYTHON_DIR, 'nanogpt.py'), 'utf8'),
  ]);
  return { kdTrain, nanogpt };
}

/** Refuses a folder that already holds an export, unless overwriting; creates it. */
export async function prepareScriptDir(dir: string, overwrite: boolean): Promise<void> {
  if (!overwrite && existsSync(join(dir, 'run.json'))) {
    throw new Error(
      `${dir} already holds an exported run (run.json): pass --overwrite to replace it, or choose another folder`,
    );
  }
  await mkdir(dir, { recursive: true });
}

export interface ScriptExportOptions {
  backend: string;
  custom?: CustomData;
  teacherExplicit?: boolean;
  progress?: Progress;
}

/** Builds the task and the teacher (training it when config.teacherSteps > 0) and writes the folder. Returns the files written. */
export async function exportScriptDir(configIn: RunConfig, dir: string, opts: ScriptExportOptions): Promise<string[]> {
  const config: RunConfig = { ...configIn, hyper: { ...configIn.hyper } };
  const task = buildTask(config.task, taskOptions(config), opts.custom);
  let teacher: GPT | undefined;
  if (config.teacherSteps === 0) {
    teacher = await loadShippedTeacher(task);
    const shipped = sizeSpec(teacher.config);
    if (opts.teacherExplicit && sizeSpec(resolveSize(config.teacher)) !== shipped) {
      teacher.dispose();
      throw new Error(
        `the shipped ${task.id} teacher is ${shipped}, not ${config.teacher}: drop --teacher, or train one with --teacher-steps N`,
      );
    }
    config.teacher = shipped;
  }
  const progress = opts.progress;
  const run = new DistillationRun(
    task,
    config,
    fixedControl(config.hyper),
    {
      onPoints: (points) => {
        const p = points[points.length - 1];
        progress?.update(`teacher step ${p.step}/${config.teacherSteps} loss ${p.values.total?.toFixed(4)}`);
      },
      onPhase: (phase, detail) => progress?.update(`[${phase}] ${detail}`, true),
    },
    teacher,
  );
  try {
    if (config.teacherSteps > 0) await run.trainTeacher();
    const files = await buildKdScript(run, await readKdSources(), {
      exportedBy: { source: 'cli', backend: opts.backend },
    });
    const written: string[] = [];
    for (const f of files) {
      const path = join(dir, ...f.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.data);
      written.push(path);
    }
    return written;
  } finally {
    run.dispose();
  }
}
