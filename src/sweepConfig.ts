// A sweep: many students trained as one stack (src/train/stackedStep.ts) on the same batches, so a
// T × α grid, several seeds and the control runs cost about one run's kernels. This file is the
// sweep's typed config, its validation, the member list it trains, and the plain report it streams.
// No tfjs, no DOM: the UI, the worker and the ML core (src/train/sweep.ts) all import it.
//
// Members of one group (one student size = one stack), seed by seed:
//   - the baseline (α = 0: hard labels only);
//   - one distilled student per (T, α) cell of the grid;
//   - the controls, each at the reference cell's T and α (the grid cell nearest the run's own T and
//     α, so each control has a distilled student to be compared with):
//       'random-teacher'   soft targets from an untrained teacher of the same size,
//       'permuted'         the teacher with its non-target probabilities shuffled (no dark knowledge),
//       'label-smoothing'  the uniform distribution at T = 1, α = ε: label smoothing with ε, no teacher;
//   - 'temperature-scaling' is no member: one T fitted post hoc on the baseline's validation outputs.
// Seeds change the initialisation only: every member of a stack sees the same batches, in the order
// of the run's seed, so a seed's distilled student and its baseline differ by the teacher only.

import { HYPER_BOUNDS, parameterCount, resolveSize, validateConfig, type RunConfig, type SizeSpec } from './config';
import { describeObjective, isDefaultObjective, objectiveOf } from './objective';

export const SWEEP_CONTROLS = ['random-teacher', 'permuted', 'label-smoothing', 'temperature-scaling'] as const;
export type SweepControl = (typeof SWEEP_CONTROLS)[number];
/** The controls that are trained members (temperature scaling is fitted after training). */
export type MemberControl = Exclude<SweepControl, 'temperature-scaling'>;

export const SWEEP_LIMITS = { axis: 8, seeds: 8, students: 6, membersPerGroup: 96 } as const;

export interface SweepConfig {
  /**
   * The run the sweep varies: task, teacher, batch size, learning rate and its schedule, steps,
   * evaluation interval, labelled and transfer rows, and the seed of the batch order. Its student
   * is ignored (see `students`); its T and α choose the reference cell of the controls.
   */
  run: RunConfig;
  temperatures: number[];
  /** Weights on the teacher term, each in (0, 1]: α = 0 is the baseline, trained for every seed anyway. */
  alphas: number[];
  /** Initialisation seeds: every cell is trained once per seed, and gains are paired by seed. */
  seeds: number[];
  controls: SweepControl[];
  /** Student sizes, one stack each, run one after another: the capacity ladder. */
  students: SizeSpec[];
  /** ε of the label-smoothing control. */
  smoothing: number;
}

export const DEFAULT_SMOOTHING = 0.1;

/** What a member is, for the report. */
export type MemberRole =
  { kind: 'baseline' } | { kind: 'cell'; t: number; a: number } | { kind: 'control'; control: MemberControl };

/** One member of a group: its name, seed, soft target and the weights it trains with. */
export interface MemberPlan {
  name: string;
  seed: number;
  target: 'teacher' | 'random-teacher' | 'permuted' | 'uniform';
  temperature: number;
  alpha: number;
  role: MemberRole;
}

const inRange = (x: number, lo: number, hi: number) =>
  typeof x === 'number' && Number.isFinite(x) && x >= lo && x <= hi;

function distinct(name: string, xs: readonly (number | string)[], errors: string[]): void {
  if (new Set(xs).size !== xs.length) errors.push(`${name} must not repeat a value (got ${xs.join(', ')})`);
}

/** Every problem with a sweep config, as sentences; empty when valid. */
export function validateSweep(c: SweepConfig): string[] {
  const errors = validateConfig(c.run).filter((e) => !e.startsWith('student:'));
  const T = HYPER_BOUNDS.temperature;
  if (!Array.isArray(c.temperatures) || !c.temperatures.length) errors.push('choose at least one temperature T');
  else {
    if (c.temperatures.length > SWEEP_LIMITS.axis)
      errors.push(`at most ${SWEEP_LIMITS.axis} temperatures (got ${c.temperatures.length})`);
    for (const t of c.temperatures)
      if (!inRange(t, T.min, T.max)) errors.push(`temperature T must be between ${T.min} and ${T.max} (got ${t})`);
    distinct('the temperatures', c.temperatures, errors);
  }
  if (!Array.isArray(c.alphas) || !c.alphas.length) errors.push('choose at least one α');
  else {
    if (c.alphas.length > SWEEP_LIMITS.axis)
      errors.push(`at most ${SWEEP_LIMITS.axis} values of α (got ${c.alphas.length})`);
    for (const a of c.alphas)
      if (!inRange(a, 0, 1) || a === 0)
        errors.push(`α must be above 0 and at most 1 (got ${a}); α = 0 is the baseline, which every sweep trains`);
    distinct('the values of α', c.alphas, errors);
  }
  if (!Array.isArray(c.seeds) || !c.seeds.length) errors.push('choose at least one seed');
  else {
    if (c.seeds.length > SWEEP_LIMITS.seeds) errors.push(`at most ${SWEEP_LIMITS.seeds} seeds (got ${c.seeds.length})`);
    for (const s of c.seeds)
      if (!(Number.isInteger(s) && s >= 0 && s < 2 ** 31))
        errors.push(`a seed must be a whole number from 0 to 2^31 − 1 (got ${s})`);
    distinct('the seeds', c.seeds, errors);
  }
  for (const k of c.controls ?? [])
    if (!SWEEP_CONTROLS.includes(k)) errors.push(`unknown control "${k}": use ${SWEEP_CONTROLS.join(', ')}`);
  distinct('the controls', c.controls ?? [], errors);
  if (!Array.isArray(c.students) || !c.students.length) errors.push('choose at least one student size');
  else {
    if (c.students.length > SWEEP_LIMITS.students)
      errors.push(`at most ${SWEEP_LIMITS.students} student sizes (got ${c.students.length})`);
    for (const s of c.students) {
      try {
        resolveSize(s);
      } catch (e) {
        errors.push(`student: ${(e as Error).message}`);
      }
    }
    distinct('the student sizes', c.students, errors);
  }
  if (!inRange(c.smoothing, 0, 1) || c.smoothing === 0 || c.smoothing === 1)
    errors.push(`label smoothing ε must be between 0 and 1, both excluded (got ${c.smoothing})`);
  if (c.run.hyper.beta > 0 || c.run.hyper.gamma > 0 || c.run.hyper.delta > 0) {
    errors.push('a sweep distils logits only: set β, γ and δ to 0 (the controls have no teacher layers to match)');
  }
  // The stacked step (src/train/stackedStep.ts) computes today's soft term only; refuse rather than
  // sweep a different objective than the one the run asks for.
  const objective = objectiveOf(c.run.hyper);
  if (!isDefaultObjective(objective))
    errors.push(
      `a sweep trains the default objective only (forward KL with T², plain labels, the full teacher); this run's is ${describeObjective(objective)}: set the divergence, T², ε and the sparse teacher back to their defaults, or train it as a single run`,
    );
  if (!errors.length) {
    const k = membersPerGroup(c);
    if (k > SWEEP_LIMITS.membersPerGroup)
      errors.push(
        `${k} students per stack is more than ${SWEEP_LIMITS.membersPerGroup}: choose fewer temperatures, α values, seeds or controls`,
      );
  }
  return errors;
}

export class SweepConfigError extends Error {
  override name = 'SweepConfigError';
}

export function assertValidSweep(c: SweepConfig): SweepConfig {
  const errors = validateSweep(c);
  if (errors.length) throw new SweepConfigError(`the sweep is not valid: ${errors.join('; ')}`);
  return c;
}

/** Indices (t, a) of the grid cell nearest the run's own T and α: the controls train at its T and α. */
export function referenceCell(c: Pick<SweepConfig, 'run' | 'temperatures' | 'alphas'>): { t: number; a: number } {
  const nearest = (xs: number[], x: number, log: boolean) => {
    const d = (v: number) => Math.abs(log ? Math.log(v) - Math.log(x) : v - x);
    return xs.reduce((best, v, i) => (d(v) < d(xs[best]) ? i : best), 0);
  };
  return { t: nearest(c.temperatures, c.run.hyper.temperature, true), a: nearest(c.alphas, c.run.hyper.alpha, false) };
}

const fmt = (x: number) => String(Number(x.toPrecision(3)));

/** The members of one group (every group has the same list): per seed, the baseline, the grid's cells, the trained controls. */
export function planMembers(c: SweepConfig): MemberPlan[] {
  const ref = referenceCell(c);
  const refT = c.temperatures[ref.t];
  const refA = c.alphas[ref.a];
  const out: MemberPlan[] = [];
  for (const seed of c.seeds) {
    out.push({
      name: `baseline seed ${seed}`,
      seed,
      target: 'teacher',
      temperature: refT,
      alpha: 0,
      role: { kind: 'baseline' },
    });
    c.temperatures.forEach((temperature, t) =>
      c.alphas.forEach((alpha, a) =>
        out.push({
          name: `T=${fmt(temperature)} α=${fmt(alpha)} seed ${seed}`,
          seed,
          target: 'teacher',
          temperature,
          alpha,
          role: { kind: 'cell', t, a },
        }),
      ),
    );
    for (const control of c.controls) {
      switch (control) {
        case 'random-teacher':
          out.push({
            name: `random teacher seed ${seed}`,
            seed,
            target: 'random-teacher',
            temperature: refT,
            alpha: refA,
            role: { kind: 'control', control },
          });
          break;
        case 'permuted':
          out.push({
            name: `permuted teacher seed ${seed}`,
            seed,
            target: 'permuted',
            temperature: refT,
            alpha: refA,
            role: { kind: 'control', control },
          });
          break;
        case 'label-smoothing':
          out.push({
            name: `label smoothing ε=${fmt(c.smoothing)} seed ${seed}`,
            seed,
            target: 'uniform',
            temperature: 1,
            alpha: c.smoothing,
            role: { kind: 'control', control },
          });
          break;
        case 'temperature-scaling':
          break; // fitted after training, not a member
        default: {
          const never: never = control;
          throw new Error(`unknown control ${String(never)}`);
        }
      }
    }
  }
  return out;
}

/** Students per stack: seeds × (1 baseline + |T|·|α| cells + trained controls). */
export function membersPerGroup(c: Pick<SweepConfig, 'temperatures' | 'alphas' | 'seeds' | 'controls'>): number {
  const trained = c.controls.filter((k) => k !== 'temperature-scaling').length;
  return c.seeds.length * (1 + c.temperatures.length * c.alphas.length + trained);
}

/** Parameters of a student of this size on a task's vocabulary and length. */
export function studentParameters(size: SizeSpec, vocabSize: number, seqLen: number): number {
  return parameterCount({ ...resolveSize(size), vocabSize, blockSize: seqLen, bias: false, dropout: 0 });
}

// ------------------------------------------------------------------------------------------------
// The report a sweep streams (plain data: it crosses the worker boundary as is)

/** A gain (fraction, 0.12 = 12 points) averaged over seeds, paired by seed and by validation row. */
export interface GainEstimate {
  /** Mean over seeds of (member − the same seed's baseline) accuracy on the same rows. */
  gain: number;
  /**
   * Its standard error: √(seRows² + seSeeds²), the validation rows' sampling error and the spread
   * between seeds (0 with one seed).
   */
  se: number;
  /** Row-clustered paired SE of the seed-mean (src/train/seedStats.ts); with one seed, gain.ts's paired SE. */
  seRows: number;
  /** sd of the per-seed gains / √seeds; null with one seed. */
  seSeeds: number | null;
  perSeed: number[];
}

export interface SweepCellReport {
  temperature: number;
  alpha: number;
  /** Mean over seeds of the distilled students' validation accuracy. */
  accuracy: number;
  gain: GainEstimate;
}

export interface SweepControlReport {
  control: MemberControl;
  temperature: number;
  alpha: number;
  accuracy: number;
  gain: GainEstimate;
}

/** Post-hoc temperature scaling of the baseline, means over seeds; fitted on half the validation rows, measured on the other half. */
export interface CalibrationReport {
  temperature: number;
  nllBefore: number;
  nllAfter: number;
  eceBefore: number;
  eceAfter: number;
  /** The reference cell's distilled students on the same held-out half, unscaled. */
  distilledNll: number;
  distilledEce: number;
  /** Validation rows fitted on / measured on. */
  fitRows: number;
  heldOutRows: number;
}

export interface SweepReport {
  /** Group index (student size) and the size. */
  group: number;
  student: SizeSpec;
  parameters: number;
  step: number;
  steps: number;
  /** The group's last evaluation. */
  final: boolean;
  members: number;
  teacherAccuracy: number;
  /** Mean over seeds of the baselines' validation accuracy. */
  baselineAccuracy: number;
  /** Row-major: cells[t · alphas.length + a]. */
  cells: SweepCellReport[];
  temperatures: number[];
  alphas: number[];
  seeds: number[];
  /** The grid cell the controls are trained at. */
  reference: { t: number; a: number };
  controls: SweepControlReport[];
  calibration: CalibrationReport | null;
  /** Scored validation positions and rows (the unit of the paired SE). */
  n: number;
  rows: number;
}
