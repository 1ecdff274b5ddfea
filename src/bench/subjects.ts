// What the benchmark times: one row per step kind, each with its step on the product path and on the
// straightforward path (naiveGpt.ts, naiveStep.ts). src/bench/harness.ts times the subjects built
// here with the helpers of src/bench/measure.ts.

import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG, resolveSize, taskOptions, type Hyper, type SizeSpec, type TaskId } from '../config';
import { buildTask } from '../data';
import type { Task } from '../data/task';
import { GPT } from '../model/gpt';
import { deriveSeed } from '../rng';
import { DEFAULT_ADAMW, type AdamWOptions } from '../train/adamw';
import { DistillStep, modelConfigFor, TeacherStep } from '../train/steps';
import { SOFT_DIVERGENCES, SPARSE_MODES } from '../lossMath';
import { profileKernels, runOptimised, type KernelCount } from './measure';
import { NaiveGPT } from './naiveGpt';
import { NaiveDistillStep, NaiveHardStep } from './naiveStep';

export const STEP_KINDS = [
  'teacher',
  'student',
  'kd',
  'kd-lockstep',
  'kd-inter',
  'kd-inter-lockstep',
  // The objective's choices (issue 13), each a student-alone step like 'kd' (forward KL) with one
  // setting changed: what each costs per step next to logit KD. Product path only.
  'kd-reverse-kl',
  'kd-jsd',
  'kd-soft-ce',
  'kd-logit-mse',
  'kd-label-smoothing',
  'kd-top-k',
  'kd-sampled-k',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export type Path = 'optimised' | 'naive';

/** What the subjects are built from (a part of the harness's BenchConfig). */
export interface SubjectConfig {
  task: TaskId;
  teacher: SizeSpec;
  student: SizeSpec;
  batchSize: number;
  seed: number;
  /** Logit KD: α, T as the product's defaults; β = γ = δ = 0. */
  kd: Hyper;
  /** KD with the intermediate terms on (teacher forward every step). */
  intermediate: Hyper;
}

/** One thing to time: a step kind on one path. */
export interface Subject {
  kind: StepKind;
  path: Path;
  /** Models trained per step (for tokens/s: the lockstep steps train two). */
  models: number;
  /** n steps, with the path's own readback. */
  run(n: number): Promise<void>;
  /** One step under tf.profile. */
  kernels(): Promise<KernelCount>;
}

/** Everything the subjects need, built once; dispose() frees it all. */
export class Fixture {
  readonly task: Task;
  readonly adam: AdamWOptions = DEFAULT_ADAMW;
  private readonly disposers: (() => void)[] = [];

  constructor(readonly c: SubjectConfig) {
    this.task = buildTask(
      c.task,
      taskOptions({ labelled: DEFAULT_CONFIG.labelled, transfer: DEFAULT_CONFIG.transfer }),
    );
  }

  own<T extends { dispose(): void }>(x: T): T {
    this.disposers.push(() => x.dispose());
    return x;
  }

  teacher(): GPT {
    return this.own(
      GPT.init(modelConfigFor(resolveSize(this.c.teacher), this.task), deriveSeed(this.c.seed, 'init:teacher')),
    );
  }

  async distiller(teacher: GPT): Promise<DistillStep> {
    const d = this.own(
      new DistillStep(teacher, this.task, resolveSize(this.c.student), this.c.seed, DEFAULT_CONFIG.labelled, this.adam),
    );
    await d.cacheTeacher();
    return d;
  }

  dispose(): void {
    this.disposers.reverse().forEach((f) => f());
    this.disposers.length = 0;
  }
}

const LR = 1e-3;

const SUBJECTS_WITH_NAIVE = new Set<StepKind>([
  'teacher',
  'student',
  'kd',
  'kd-lockstep',
  'kd-inter',
  'kd-inter-lockstep',
]);

/** What a row's steps are built from: the fixture, the shared frozen teacher and its DistillStep. */
interface Parts {
  f: Fixture;
  c: SubjectConfig;
  /** The DistillStep (one teacher cache) that serves every optimised distillation subject. */
  d: DistillStep;
  /** The teacher the teacher subjects train (a separate one, shared by both paths). */
  trainee: () => GPT;
  /** A fresh straightforward copy of the student's initial weights. */
  naiveStudent: () => NaiveGPT;
  /** A straightforward distillation step, with a baseline in lockstep or not. */
  naiveDistill: (withBaseline: boolean) => NaiveDistillStep;
}

interface Row {
  label: string;
  /** Models trained per step. */
  models: number;
  optimised(p: Parts): () => tf.Tensor;
  /** The straightforward path; absent for the objective's variants (their baseline is 'kd'). */
  naive?(p: Parts): () => Promise<unknown>;
}

/** The objective variants: logit KD's hyperparameters with `change`, on the student-alone step. */
function objectiveRow(label: string, change: Partial<Hyper>): Row {
  return {
    label,
    models: 1,
    optimised: (p) => {
      const h: Hyper = { ...p.c.kd, ...change };
      return () => p.d.stepRole('student', h, LR);
    },
  };
}

const divergence = (name: (typeof SOFT_DIVERGENCES)[number]) => SOFT_DIVERGENCES.indexOf(name);

/**
 * The subjects. The optimised distillation rows share one DistillStep: the student-only step is its
 * baseline's update, the KD step its student's, the lockstep steps both. The models learn from a mix
 * of subjects, which changes what they learn, not what a step costs.
 */
export const SUBJECTS: Record<StepKind, Row> = {
  teacher: {
    label: 'teacher training step',
    models: 1,
    optimised: (p) => {
      const ts = p.f.own(new TeacherStep(p.trainee(), p.f.task, p.c.seed, p.f.adam));
      return () => ts.step(p.c.batchSize, LR);
    },
    naive: (p) => {
      const nt = p.f.own(NaiveGPT.fromGPT(p.trainee()));
      const ns = p.f.own(
        new NaiveHardStep(nt, p.f.task.teacherTrain, deriveSeed(p.c.seed, 'batches:teacher'), p.f.adam),
      );
      return () => ns.step(p.c.batchSize, LR);
    },
  },
  student: {
    label: 'student-only step (α=0, no teacher, one model)',
    models: 1,
    optimised: (p) => () => p.d.stepRole('baseline', p.c.kd, LR),
    naive: (p) => {
      const ns = p.f.own(
        new NaiveHardStep(p.naiveStudent(), p.f.task.train, deriveSeed(p.c.seed, 'batches:student'), p.f.adam),
      );
      return () => ns.step(p.c.batchSize, LR);
    },
  },
  kd: {
    label: 'distillation step, logit KD (student alone, cached teacher logits)',
    models: 1,
    optimised: (p) => () => p.d.stepRole('student', p.c.kd, LR),
    naive: (p) => {
      const s = p.naiveDistill(false);
      return () => s.step(p.c.kd, LR);
    },
  },
  'kd-lockstep': {
    label: 'distillation step, logit KD, student + baseline in lockstep (what the product runs)',
    models: 2,
    optimised: (p) => () => p.d.step(p.c.kd, LR),
    naive: (p) => {
      const s = p.naiveDistill(true);
      return () => s.step(p.c.kd, LR);
    },
  },
  'kd-inter': {
    label: 'distillation step with β,γ,δ > 0 (student alone, teacher forward per step)',
    models: 1,
    optimised: (p) => () => p.d.stepRole('student', p.c.intermediate, LR),
    naive: (p) => {
      const s = p.naiveDistill(false);
      return () => s.step(p.c.intermediate, LR);
    },
  },
  'kd-inter-lockstep': {
    label: 'distillation step with β,γ,δ > 0, student + baseline in lockstep',
    models: 2,
    optimised: (p) => () => p.d.step(p.c.intermediate, LR),
    naive: (p) => {
      const s = p.naiveDistill(true);
      return () => s.step(p.c.intermediate, LR);
    },
  },
  'kd-reverse-kl': objectiveRow('logit KD with reverse KL(q ‖ p) (autodiff soft term)', {
    divergence: divergence('reverse-kl'),
  }),
  'kd-jsd': objectiveRow('logit KD with JSD(β = 0.5) (autodiff soft term)', {
    divergence: divergence('jsd'),
    jsdBeta: 0.5,
  }),
  'kd-soft-ce': objectiveRow('logit KD with soft cross-entropy (fused, like forward KL)', {
    divergence: divergence('soft-ce'),
  }),
  'kd-logit-mse': objectiveRow('logit KD with MSE on logits (autodiff soft term)', {
    divergence: divergence('logit-mse'),
  }),
  'kd-label-smoothing': objectiveRow('logit KD (forward KL) with label smoothing ε = 0.1 on the hard term', {
    labelSmoothing: 0.1,
  }),
  'kd-top-k': objectiveRow('logit KD (forward KL) against a top-4 teacher (cut per batch)', {
    sparseTeacher: SPARSE_MODES.indexOf('top-k'),
    teacherK: 4,
  }),
  'kd-sampled-k': objectiveRow('logit KD (forward KL) against 4 sampled teacher tokens (drawn per batch)', {
    sparseTeacher: SPARSE_MODES.indexOf('sampled-k'),
    teacherK: 4,
  }),
};

/** The objective variants, each timed against logit KD ('kd', forward KL) in the same rounds. */
export const OBJECTIVE_KINDS: readonly StepKind[] = STEP_KINDS.filter((k) => !SUBJECTS_WITH_NAIVE.has(k));

export const STEP_LABELS = Object.fromEntries(STEP_KINDS.map((k) => [k, SUBJECTS[k].label])) as Record<
  StepKind,
  string
>;

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/**
 * Builds the subjects of the chosen kinds, in timing order: the teacher's (product path, then the
 * straightforward one), then every distillation kind on the product path, then on the straightforward path.
 */
export async function buildSubjects(f: Fixture, kinds: Set<StepKind>, naive: boolean): Promise<Subject[]> {
  const c = f.c;
  // Frozen teacher shared by every distillation subject; a separate one is trained by the teacher subject.
  const frozen = f.teacher();
  frozen.variables().forEach((v) => (v.trainable = false));
  const naiveFrozen = once(() => f.own(NaiveGPT.fromGPT(frozen, false)));
  const d = await f.distiller(frozen);
  const naiveStudent = () => f.own(NaiveGPT.fromGPT(d.student));
  const projections = () => d.projections.map((p) => f.own(tf.variable(p.clone())));
  const seed = deriveSeed(c.seed, 'batches:student');
  const naiveDistill = (withBaseline: boolean) =>
    f.own(
      new NaiveDistillStep(
        naiveFrozen(),
        naiveStudent(),
        withBaseline ? naiveStudent() : null,
        projections(),
        f.task.train,
        seed,
        DEFAULT_CONFIG.labelled,
        f.adam,
      ),
    );
  const parts: Parts = { f, c, d, trainee: once(() => f.teacher()), naiveStudent, naiveDistill };

  const distillKinds = STEP_KINDS.filter((k) => k !== 'teacher');
  const order: [StepKind, Path][] = [
    ['teacher', 'optimised'],
    ['teacher', 'naive'],
  ];
  order.push(...distillKinds.map((k): [StepKind, Path] => [k, 'optimised']));
  order.push(...distillKinds.map((k): [StepKind, Path] => [k, 'naive']));

  const subjects: Subject[] = [];
  for (const [kind, path] of order) {
    const row = SUBJECTS[kind];
    if (!kinds.has(kind) || (path === 'naive' && (!naive || !row.naive))) continue;
    if (path === 'optimised') {
      const s = row.optimised(parts);
      subjects.push({
        kind,
        path,
        models: row.models,
        run: (n) => runOptimised(n, s),
        kernels: () => profileKernels(s),
      });
    } else {
      const s = row.naive!(parts);
      const run = async (n: number) => {
        for (let i = 0; i < n; i++) await s();
      };
      subjects.push({ kind, path, models: row.models, run, kernels: () => profileKernels(s) });
    }
  }
  return subjects;
}
