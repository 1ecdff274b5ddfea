// npm run --silent distill -- [flags]: distil the shipped (or a freshly trained) teacher into a student,
// with a baseline student trained in lockstep; write both in nanoGPT's format plus summary.json.

import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportModel } from '../model/export';
import { modelExtra } from '../train/taskExtra';
import { useNodeBackend } from './backend';
import { parseFlags, RUN_FLAGS, RUN_FLAGS_USAGE, runFlags } from './args';
import { runMain, UsageError } from './main';
import { exportScriptDir, prepareScriptDir } from './exportScript';
import { saveModelDir } from './modelDir';
import { prepareOutDir } from './outDir';
import { loadCustomData, runInNode, type Summary } from './nodeRun';
import { Progress } from './progress';

const USAGE = `usage: npm run --silent distill -- [flags] [--out DIR] [--export-script DIR] [--overwrite]
${RUN_FLAGS_USAGE}
  --out DIR              write student/, baseline/ (and teacher/ when trained; each model.safetensors +
                         config.json) and summary.json. DIR is created and checked for writing before
                         training starts; a DIR that already holds these outputs is refused
  --overwrite            replace a previous run's outputs in DIR (student/, baseline/, teacher/,
                         summary.json; other files are left alone), or a previous --export-script folder
  --export-script DIR    write the run as a PyTorch folder (kd_train.py, run.json, data, teacher, initial
                         weights) for \`python DIR/kd_train.py DIR/run.json\` or \`torchrun
                         --nproc_per_node=N DIR/kd_train.py DIR/run.json\`; the teacher is trained first
                         when --teacher-steps N > 0. Without --out, nothing is distilled here`;

function pct(x: number | undefined): string {
  return x === undefined ? '—' : `${(x * 100).toFixed(1)}%`;
}

function humanReport(s: Summary): string {
  const row = (name: string, r: Summary['student']) =>
    `${name.padEnd(9)} ${String(r.parameters).padStart(9)}  ${pct(r.accuracy).padStart(7)}  ${pct(r.macroF1).padStart(7)}  ${pct(r.agreement).padStart(9)}`;
  return [
    `task ${s.task.id} (${s.task.kind}), ${s.backend}, ${s.steps.distill} steps in ${s.wallSeconds.toFixed(1)} s; test split`,
    `model     parameters  accuracy  macro-F1  agreement`,
    row('teacher', s.teacher),
    row('student', s.student),
    row('baseline', s.baseline),
    `KD gain (student − baseline accuracy): ${(s.kdGain * 100).toFixed(1)} points; compression ${s.compression.toFixed(1)}×`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), {
    ...RUN_FLAGS,
    out: { type: 'string' },
    overwrite: { type: 'boolean' },
    'export-script': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const flags = runFlags(values);
  const scriptDir = values['export-script'];
  if (values.overwrite && !values.out && !scriptDir)
    throw new UsageError('--overwrite needs --out DIR or --export-script DIR');
  if (scriptDir) await prepareScriptDir(scriptDir, Boolean(values.overwrite));
  if (values.out) await prepareOutDir(values.out, Boolean(values.overwrite)); // before minutes of training
  const custom = await loadCustomData(flags.config.task, flags.data);
  const backend = await useNodeBackend(flags.backend);
  const progress = new Progress();
  if (scriptDir) {
    const files = await exportScriptDir(flags.config, scriptDir, {
      backend,
      custom,
      teacherExplicit: flags.teacherExplicit,
      progress,
    });
    progress.done(`wrote ${files.length} files to ${scriptDir}`);
    if (!values.out) {
      if (flags.json) process.stdout.write(`${JSON.stringify({ exportScript: scriptDir, files })}\n`);
      else
        process.stdout.write(
          `wrote ${scriptDir}: run it with  python ${scriptDir}/kd_train.py ${scriptDir}/run.json\n`,
        );
      return;
    }
  }
  const { summary, run } = await runInNode(flags.config, {
    backend,
    custom,
    teacherExplicit: flags.teacherExplicit,
    progress,
  });
  progress.done(`done in ${summary.wallSeconds.toFixed(1)} s`);
  if (values.out) {
    const out = values.out;
    // The summary first: if a model cannot be written (a diverged run's NaN weights), the figures stay.
    await writeFile(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    // The same config.json keys as the app's export (modelExtra), schedule of applied values included.
    for (const role of ['student', 'baseline'] as const) {
      await saveModelDir(join(out, role), await exportModel(run.model(role)!, run.task.vocab, modelExtra(run, role)));
    }
    if (summary.teacherSource === 'trained') {
      await saveModelDir(
        join(out, 'teacher'),
        await exportModel(run.teacher, run.task.vocab, modelExtra(run, 'teacher')),
      );
    } else {
      await rm(join(out, 'teacher'), { recursive: true, force: true }); // a previous run's, under --overwrite
    }
  }
  run.dispose();
  if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${humanReport(summary)}\n`);
}

runMain(main, USAGE);
