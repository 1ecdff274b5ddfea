// One distillation run in Node, as `distill` and `experiment` use it: build the task, get the
// teacher (shipped or trained), distil, test, summarise.

import { readFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { parameterCount, resolveSize, sizeSpec, taskOptions, type RunConfig } from '../config';
import { buildTask, customDataFromFile, type CustomData } from '../data';
import type { Task } from '../data/task';
import { estimateMemory, memoryProblem, taskShape, type MemoryLimits } from '../memory';
import type { GPT } from '../model/gpt';
import { currentMemoryLimits } from '../train/memoryLimits';
import type { EvalReport, ModelMetrics } from '../report';
import { DistillationRun, fixedControl } from '../train/run';
import { Progress } from './progress';
import { loadShippedTeacher } from './teachers';

export interface RoleSummary {
  parameters: number;
  accuracy: number;
  macroF1?: number;
  agreement?: number;
  klToTeacher?: number;
  klToTruth?: number;
  ece: number;
  nll: number;
  perplexity?: number;
  confusion?: number[][];
}

export interface Summary {
  config: RunConfig;
  task: { id: string; kind: string; vocabSize: number; seqLen: number; classes?: string[] };
  backend: string;
  teacherSource: 'shipped' | 'trained';
  steps: { teacher: number; distill: number };
  wallSeconds: number;
  split: 'test';
  teacher: RoleSummary;
  student: RoleSummary;
  baseline: RoleSummary;
  /** Teacher parameters / student parameters. */
  compression: number;
  /** Distilled student accuracy minus baseline accuracy on the test split. */
  kdGain: number;
}

export async function loadCustomData(
  task: RunConfig['task'],
  dataPath: string | undefined,
): Promise<CustomData | undefined> {
  if (task !== 'custom-text' && task !== 'custom-csv') return undefined;
  if (!dataPath) throw new Error(`task ${task} needs --data FILE`);
  return customDataFromFile(dataPath, new Uint8Array(await readFile(dataPath)), task).data;
}

function roleSummary(m: ModelMetrics | undefined, parameters: number, task: Task): RoleSummary {
  if (!m) throw new Error('missing metrics');
  return {
    parameters,
    accuracy: m.accuracy,
    macroF1: m.macroF1,
    agreement: m.agreement,
    klToTeacher: m.klToTeacher,
    klToTruth: m.klToTruth,
    ece: m.ece,
    nll: m.nll,
    perplexity: task.kind === 'generation' ? m.perplexity : undefined,
    confusion: m.confusion,
  };
}

export interface NodeRunOptions {
  backend: string;
  custom?: CustomData;
  /** Was --teacher given explicitly? Then a shipped teacher of another size is an error. */
  teacherExplicit?: boolean;
  progress?: Progress;
}

/** The backend's limits in Node; the cpu backend's budget is three quarters of the machine's memory. */
export function nodeMemoryLimits(): MemoryLimits {
  return currentMemoryLimits(tf.getBackend() === 'cpu' ? 0.75 * totalmem() : undefined);
}

/** Refuses, before anything large is allocated, a run whose estimated peak does not fit the backend. */
export function assertMemoryFits(config: RunConfig, task: Task, limits: MemoryLimits = nodeMemoryLimits()): void {
  const problem = memoryProblem(estimateMemory(config, taskShape(task)), limits);
  if (problem) throw new Error(problem);
}

export async function runInNode(
  configIn: RunConfig,
  opts: NodeRunOptions,
): Promise<{ summary: Summary; run: DistillationRun }> {
  const started = Date.now();
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
  try {
    assertMemoryFits(config, task);
  } catch (e) {
    teacher?.dispose();
    throw e;
  }
  const progress = opts.progress;
  const run = new DistillationRun(
    task,
    config,
    fixedControl(config.hyper),
    {
      onPoints: (points) => {
        const p = points[points.length - 1];
        const total = p.phase === 'teacher' ? config.teacherSteps : config.steps;
        const loss = p.values.total?.toFixed(4);
        const base = p.values.baseline !== undefined ? ` baseline ${p.values.baseline.toFixed(4)}` : '';
        progress?.update(`${p.phase} step ${p.step}/${total} loss ${loss}${base}`);
      },
      onEval: (r: EvalReport) => {
        const acc = (k: 'teacher' | 'student' | 'baseline') =>
          r[k] ? ` ${k} ${(r[k]!.accuracy * 100).toFixed(1)}%` : '';
        progress?.update(`${r.phase} step ${r.step} val${acc('teacher')}${acc('student')}${acc('baseline')}`, true);
      },
      onPhase: (phase, detail) => progress?.update(`[${phase}] ${detail}`, true),
    },
    teacher,
  );
  if (config.teacherSteps > 0) await run.trainTeacher();
  await run.distill();
  const test = await run.evaluateStudents('test');
  const teacherConfig = run.teacher.config;
  const studentConfig = run.model('student')!.config;
  const tParams = parameterCount(teacherConfig);
  const sParams = parameterCount(studentConfig);
  const summary: Summary = {
    config,
    task: {
      id: task.id,
      kind: task.kind,
      vocabSize: task.vocab.length,
      seqLen: task.seqLen,
      classes: task.classes?.map((c) => c.name),
    },
    backend: opts.backend,
    teacherSource: config.teacherSteps > 0 ? 'trained' : 'shipped',
    steps: { teacher: run.teacherStep, distill: run.distillStep },
    wallSeconds: (Date.now() - started) / 1000,
    split: 'test',
    teacher: roleSummary(test.teacher, tParams, task),
    student: roleSummary(test.student, sParams, task),
    baseline: roleSummary(test.baseline, sParams, task),
    compression: tParams / sParams,
    kdGain: test.student!.accuracy - test.baseline!.accuracy,
  };
  return { summary, run };
}
