// Benchmark of the model-batched trainer (src/train/stackedStep.ts): a stacked step of K = 1, 2, 4,
// 8, 16 students against one student, on whatever tfjs backend is active. Same method as
// harness.ts: interleaved rounds (every subject runs one block per round, so machine load hits all
// alike), ratios as medians of per-round ratios, kernels per step from tf.profile, GPU dispatches
// on webgpu, readback every ~100 ms as the product does.
//
// Subjects: 'single' is DistillStep's student alone (the one-student KD step the product runs,
// cached teacher logits), 'lockstep' the product's student + baseline step, and 'stack K' a
// StackedDistillStep of K members (a baseline, distilled students of different T and α, and the
// controls: random teacher, permuted teacher, uniform target), all on the same task shapes.

import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG, resolveSize, taskOptions, type Hyper, type SizeSpec, type TaskId } from '../config';
import { buildTask } from '../data';
import { GPT } from '../model/gpt';
import { setStackedMatMulMode, stackedMatMulMode, type StackedMatMulMode } from '../model/stackedOps';
import { deriveSeed } from '../rng';
import { DEFAULT_ADAMW } from '../train/adamw';
import { StackedDistillStep, type MemberHyper, type MemberSpec, type SoftTarget } from '../train/stackedStep';
import { DistillStep, modelConfigFor } from '../train/steps';
import { countDispatches, median, profileKernels, runOptimised as run } from './measure';

export interface StackedBenchConfig {
  task: TaskId;
  teacher: SizeSpec;
  student: SizeSpec;
  batchSize: number;
  seed: number;
  /** Stack sizes to measure. */
  ks: number[];
  /** β, γ, δ > 0 for the distilled members (the teacher then runs forward every step). */
  intermediate: boolean;
  /** wasm only: member matmuls as K 2-D products ('split', the default there) or one batched kernel; 'both' measures each. */
  matmul: StackedMatMulMode | 'both' | 'auto';
  /** Also time one student at batch K·B for each K > 1: the same arithmetic as a stack of K, in one model's kernels. */
  batchEquivalent: boolean;
  rounds: number;
  block: number;
  warmup: number;
}

export function defaultStackedBenchConfig(): StackedBenchConfig {
  return {
    task: 'sentiment',
    teacher: 'teacher-m',
    student: 'student-s',
    batchSize: 32,
    seed: 1,
    ks: [1, 2, 4, 8, 16],
    intermediate: false,
    matmul: 'auto',
    batchEquivalent: false,
    rounds: 5,
    block: 10,
    warmup: 2,
  };
}

export interface StackedSubjectResult {
  name: string;
  /** Students trained per step. */
  students: number;
  /** Member matmul mode of a stack subject. */
  matmul?: StackedMatMulMode;
  msPerStep: number[];
  medianMs: number;
  kernelsPerStep: number;
  computeKernelsPerStep: number;
  dispatchesPerStep?: number;
  kernelsByName: Record<string, number>;
}

export interface StackedBenchResult {
  backend: string;
  config: StackedBenchConfig & { vocabSize: number; seqLen: number };
  subjects: StackedSubjectResult[];
  /** Per stack subject: ms/step and kernels relative to the K = 1 stack and to the single student (median of per-round ratios). */
  /** Stack of K ÷ one student at batch K·B (with batchEquivalent). */
  batchRatios: { stack: string; single: string; ratio: { median: number; perRound: number[] } }[];
  ratios: {
    name: string;
    vsStack1: { median: number; perRound: number[] };
    vsSingle: { median: number; perRound: number[] };
    kernelsVsStack1: number;
    kernelsVsSingle: number;
  }[];
}

const CONTROLS: SoftTarget[] = ['random-teacher', 'permuted', 'uniform'];

/** K members: a baseline, then distilled students of different (T, α), with the three controls among them from K = 4 on. */
export function benchMembers(
  K: number,
  kd: Hyper,
  intermediate: boolean,
): { specs: MemberSpec[]; hypers: MemberHyper[] } {
  const specs: MemberSpec[] = [];
  const hypers: MemberHyper[] = [];
  const inter = intermediate ? { beta: 1, gamma: 1, delta: 1 } : { beta: 0, gamma: 0, delta: 0 };
  for (let k = 0; k < K; k++) {
    if (k === 0) {
      specs.push({ name: 'baseline', seed: 1 });
      hypers.push({ temperature: kd.temperature, alpha: 0, beta: 0, gamma: 0, delta: 0 });
    } else if (K >= 4 && k <= CONTROLS.length) {
      const target = CONTROLS[k - 1];
      specs.push({ name: target, seed: 1, target });
      hypers.push({
        temperature: target === 'uniform' ? 1 : kd.temperature,
        alpha: target === 'uniform' ? 0.1 : kd.alpha,
        beta: 0,
        gamma: 0,
        delta: 0,
      });
    } else {
      const T = [kd.temperature, 2, 8, 1][k % 4];
      const alpha = [kd.alpha, 0.5, 0.9, 0.3][(k >> 2) % 4];
      specs.push({ name: `T=${T} α=${alpha}`, seed: 1 + k });
      hypers.push({ temperature: T, alpha, ...inter });
    }
  }
  return { specs, hypers };
}

interface Subject {
  name: string;
  students: number;
  matmul?: StackedMatMulMode;
  step(): tf.Tensor;
}

export async function runStackedBench(
  c: StackedBenchConfig,
  log: (line: string) => void = () => {},
): Promise<StackedBenchResult> {
  const task = buildTask(c.task, taskOptions({ labelled: DEFAULT_CONFIG.labelled, transfer: DEFAULT_CONFIG.transfer }));
  const kd: Hyper = {
    ...DEFAULT_CONFIG.hyper,
    batchSize: c.batchSize,
    lr: 1e-3,
    ...(c.intermediate ? { beta: 1, gamma: 1, delta: 1 } : {}),
  };
  const lr = 1e-3;
  const disposers: (() => void)[] = [];
  const teacher = GPT.init(modelConfigFor(resolveSize(c.teacher), task), deriveSeed(c.seed, 'init:teacher'), false);
  disposers.push(() => teacher.dispose());
  const backend = tf.getBackend();
  const modes: StackedMatMulMode[] =
    c.matmul === 'both' ? ['split', 'batched'] : c.matmul === 'auto' ? [stackedMatMulMode()] : [c.matmul];
  const subjects: Subject[] = [];
  try {
    log('building the single-student step and caching the teacher');
    const single = new DistillStep(
      teacher,
      task,
      resolveSize(c.student),
      c.seed,
      DEFAULT_CONFIG.labelled,
      DEFAULT_ADAMW,
    );
    disposers.push(() => single.dispose());
    await single.cacheTeacher();
    subjects.push({ name: 'single', students: 1, step: () => single.stepRole('student', kd, lr) });
    subjects.push({ name: 'lockstep', students: 2, step: () => single.step(kd, lr) });
    if (c.batchEquivalent) {
      for (const K of c.ks.filter((k) => k > 1)) {
        const big = { ...kd, batchSize: K * c.batchSize };
        subjects.push({
          name: `single B=${K * c.batchSize}`,
          students: 1,
          step: () => single.stepRole('student', big, lr),
        });
      }
    }
    for (const mode of modes) {
      for (const K of c.ks) {
        const { specs, hypers } = benchMembers(K, kd, c.intermediate);
        log(`building a stack of ${K}${modes.length > 1 ? ` (${mode} matmuls)` : ''}`);
        const stack = new StackedDistillStep(teacher, task, resolveSize(c.student), specs, {
          seed: c.seed,
          labelled: DEFAULT_CONFIG.labelled,
        });
        disposers.push(() => stack.dispose());
        await stack.cacheTeacher();
        const name = `stack ${K}${modes.length > 1 ? ` ${mode}` : ''}`;
        subjects.push({
          name,
          students: K,
          matmul: mode,
          step: () => {
            setStackedMatMulMode(mode);
            try {
              return stack.step(hypers, c.batchSize, lr);
            } finally {
              setStackedMatMulMode(null);
            }
          },
        });
      }
    }

    const results = new Map<string, StackedSubjectResult>();
    for (const s of subjects) {
      await run(c.warmup, s.step);
      const k = await profileKernels(s.step);
      const dispatches = await countDispatches(() => run(1, s.step));
      results.set(s.name, {
        name: s.name,
        students: s.students,
        ...(s.matmul ? { matmul: s.matmul } : {}),
        msPerStep: [],
        medianMs: 0,
        kernelsPerStep: k.all,
        computeKernelsPerStep: k.compute,
        kernelsByName: k.byName,
        ...(dispatches !== undefined ? { dispatchesPerStep: dispatches } : {}),
      });
      log(
        `${s.name}: ${k.all} kernels per step (${k.compute} compute)${dispatches !== undefined ? `, ${dispatches} dispatches` : ''}`,
      );
    }
    for (let r = 0; r < c.rounds; r++) {
      for (const s of subjects) {
        const t0 = performance.now();
        await run(c.block, s.step);
        results.get(s.name)!.msPerStep.push((performance.now() - t0) / c.block);
      }
      log(
        `round ${r + 1}/${c.rounds}: ${subjects.map((s) => `${s.name} ${results.get(s.name)!.msPerStep[r].toFixed(1)} ms`).join(', ')}`,
      );
    }
    const out = [...results.values()];
    out.forEach((x) => (x.medianMs = median(x.msPerStep)));
    const ratioOf = (a: StackedSubjectResult, b: StackedSubjectResult) => {
      const perRound = a.msPerStep.map((x, i) => x / b.msPerStep[i]);
      return { median: median(perRound), perRound };
    };
    const singleResult = results.get('single')!;
    const ratios: StackedBenchResult['ratios'] = [];
    const batchRatios: StackedBenchResult['batchRatios'] = [];
    for (const mode of modes) {
      const base = results.get(`stack 1${modes.length > 1 ? ` ${mode}` : ''}`) ?? out.find((x) => x.matmul === mode)!;
      for (const x of out.filter((y) => y.matmul === mode)) {
        ratios.push({
          name: x.name,
          vsStack1: ratioOf(x, base),
          vsSingle: ratioOf(x, singleResult),
          kernelsVsStack1: x.kernelsPerStep / base.kernelsPerStep,
          kernelsVsSingle: x.kernelsPerStep / singleResult.kernelsPerStep,
        });
      }
    }
    for (const x of out.filter((y) => y.name.startsWith('single B='))) {
      const K = Number(x.name.slice('single B='.length)) / c.batchSize;
      const stack = results.get(`stack ${K}${modes.length > 1 ? ` ${modes[0]}` : ''}`);
      if (stack) batchRatios.push({ stack: stack.name, single: x.name, ratio: ratioOf(stack, x) });
    }
    return {
      backend,
      config: { ...c, vocabSize: task.vocab.length, seqLen: task.seqLen },
      subjects: out,
      ratios,
      batchRatios,
    };
  } finally {
    setStackedMatMulMode(null);
    disposers.reverse().forEach((f) => f());
  }
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

export function stackedReport(r: StackedBenchResult, device: string): string {
  const c = r.config;
  const dispatches = r.subjects.some((s) => s.dispatchesPerStep !== undefined);
  const lines = [
    `backend ${device}`,
    `config: task ${c.task} (vocab ${c.vocabSize}, seqLen ${c.seqLen}), teacher ${c.teacher}, students ${c.student}, batch ${c.batchSize}; ` +
      `${c.intermediate ? 'β = γ = δ = 1 on the distilled members' : 'logit KD'}; timing ${c.rounds} interleaved rounds × ${c.block} steps`,
    '',
    `subject              students  ms/step  ms/student  kernels/step (compute)${dispatches ? '  dispatches' : ''}`,
  ];
  for (const s of r.subjects) {
    lines.push(
      `${s.name.padEnd(20)} ${String(s.students).padStart(8)} ${fmt(s.medianMs).padStart(8)} ${fmt(s.medianMs / s.students).padStart(11)} ${String(s.kernelsPerStep).padStart(13)} ${`(${s.computeKernelsPerStep})`.padStart(9)}${dispatches ? String(s.dispatchesPerStep ?? '-').padStart(12) : ''}`,
    );
  }
  lines.push(
    '',
    'relative to the K = 1 stack and to the single student (ms/step: median of per-round ratios [per round]; kernels/step):',
  );
  lines.push('subject              time ÷ K=1   time ÷ single  kernels ÷ K=1  kernels ÷ single');
  for (const q of r.ratios) {
    lines.push(
      `${q.name.padEnd(20)} ${q.vsStack1.median.toFixed(3).padStart(10)}   ${q.vsSingle.median.toFixed(3).padStart(12)}  ${q.kernelsVsStack1.toFixed(3).padStart(13)}  ${q.kernelsVsSingle.toFixed(3).padStart(16)}` +
        `   [${q.vsStack1.perRound.map((x) => x.toFixed(2)).join(', ')}]`,
    );
  }
  if (r.batchRatios.length) {
    lines.push(
      '',
      'a stack of K students ÷ one student at batch K·B (same arithmetic; median of per-round ratios [per round]):',
    );
    for (const q of r.batchRatios)
      lines.push(
        `  ${q.stack} ÷ ${q.single}: ${q.ratio.median.toFixed(3)}  [${q.ratio.perRound.map((x) => x.toFixed(2)).join(', ')}]`,
      );
  }
  return lines.join('\n');
}
