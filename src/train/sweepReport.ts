// A sweep's report from its members' validation probabilities: per grid cell and per control, the
// accuracy and the KD gain over the same seed's baseline with paired-seed statistics
// (src/train/seedStats.ts), and the post-hoc temperature scaling of the baselines. Plain JS, no
// tfjs: the numbers on the Experiments page are computed here, from the models' outputs.

import {
  referenceCell,
  type CalibrationReport,
  type MemberPlan,
  type SweepConfig,
  type SweepControlReport,
  type SweepCellReport,
  type SweepReport,
} from '../sweepConfig';
import { reliability, softmaxRows } from './metrics';
import { seedGain } from './seedStats';
import { fitTemperature, meanNll as nllAt } from './temperatureScaling';

/** The scored validation positions every member was evaluated on. */
export interface ScoredRows {
  k: number;
  labels: Int32Array;
  /** Split row of each position (the unit of the paired SE). */
  rowOf: Int32Array;
}

export interface MemberOutput {
  plan: MemberPlan;
  /** (M, k) validation probabilities. */
  probs: Float32Array;
  accuracy: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Positions of the first half of the rows (fit) and of the rest (held out). */
function halves(rowOf: Int32Array): { fit: number[]; held: number[]; fitRows: number; heldRows: number } {
  const rows = [...new Set(rowOf)].sort((a, b) => a - b);
  const cut = rows[Math.ceil(rows.length / 2) - 1];
  const fit: number[] = [];
  const held: number[] = [];
  rowOf.forEach((r, i) => (r <= cut ? fit : held).push(i));
  return { fit, held, fitRows: Math.ceil(rows.length / 2), heldRows: rows.length - Math.ceil(rows.length / 2) };
}

function pick(probs: Float32Array, k: number, at: number[]): Float32Array {
  const out = new Float32Array(at.length * k);
  at.forEach((i, j) => out.set(probs.subarray(i * k, (i + 1) * k), j * k));
  return out;
}

const logOf = (p: Float32Array) => Float32Array.from(p, (x) => Math.log(Math.max(x, 1e-30)));

/**
 * Temperature scaling of each seed's baseline: T fitted on the first half of the validation rows
 * (probabilities as logits: log p differs from the logits by a per-row constant), NLL and ECE
 * before and after on the other half, beside the reference cell's distilled student there. Means
 * over seeds. Null when there are too few rows to split.
 */
export function calibration(
  outputs: readonly MemberOutput[],
  scored: ScoredRows,
  ref: { t: number; a: number },
): CalibrationReport | null {
  const { fit, held, fitRows, heldRows } = halves(scored.rowOf);
  if (!fit.length || !held.length) return null;
  const k = scored.k;
  const fitLabels = Int32Array.from(fit, (i) => scored.labels[i]);
  const heldLabels = Int32Array.from(held, (i) => scored.labels[i]);
  const per: Omit<CalibrationReport, 'fitRows' | 'heldOutRows'>[] = [];
  for (const base of outputs.filter((o) => o.plan.role.kind === 'baseline')) {
    const distilled = outputs.find(
      (o) =>
        o.plan.seed === base.plan.seed &&
        o.plan.role.kind === 'cell' &&
        o.plan.role.t === ref.t &&
        o.plan.role.a === ref.a,
    );
    if (!distilled) continue;
    const fitted = fitTemperature(logOf(pick(base.probs, k, fit)), fitLabels);
    const heldLogits = logOf(pick(base.probs, k, held));
    const dHeld = pick(distilled.probs, k, held);
    per.push({
      temperature: fitted.temperature,
      nllBefore: nllAt(heldLogits, heldLabels, 1),
      nllAfter: nllAt(heldLogits, heldLabels, fitted.temperature),
      eceBefore: reliability(softmaxRows(heldLogits, k, 1), k, heldLabels).ece,
      eceAfter: reliability(softmaxRows(heldLogits, k, fitted.temperature), k, heldLabels).ece,
      distilledNll: nllAt(logOf(dHeld), heldLabels, 1),
      distilledEce: reliability(dHeld, k, heldLabels).ece,
    });
  }
  if (!per.length) return null;
  const avg = (key: keyof (typeof per)[number]) => mean(per.map((p) => p[key]));
  return {
    temperature: avg('temperature'),
    nllBefore: avg('nllBefore'),
    nllAfter: avg('nllAfter'),
    eceBefore: avg('eceBefore'),
    eceAfter: avg('eceAfter'),
    distilledNll: avg('distilledNll'),
    distilledEce: avg('distilledEce'),
    fitRows,
    heldOutRows: heldRows,
  };
}

export interface ReportContext {
  config: SweepConfig;
  group: number;
  parameters: number;
  step: number;
  steps: number;
  final: boolean;
  teacherAccuracy: number;
}

/** The report of one evaluation of a group: every member's outputs in, the heat-map's numbers out. */
export function sweepReport(ctx: ReportContext, outputs: readonly MemberOutput[], scored: ScoredRows): SweepReport {
  const c = ctx.config;
  const baselineOf = new Map<number, MemberOutput>();
  for (const o of outputs) if (o.plan.role.kind === 'baseline') baselineOf.set(o.plan.seed, o);
  const gainOf = (members: MemberOutput[]) =>
    seedGain(
      members.map((m) => {
        const b = baselineOf.get(m.plan.seed);
        if (!b) throw new Error(`no baseline for seed ${m.plan.seed}`);
        return { member: m.probs, baseline: b.probs };
      }),
      scored.k,
      scored.labels,
      scored.rowOf,
    );
  const cells: SweepCellReport[] = [];
  c.temperatures.forEach((temperature, t) =>
    c.alphas.forEach((alpha, a) => {
      const members = outputs.filter((o) => o.plan.role.kind === 'cell' && o.plan.role.t === t && o.plan.role.a === a);
      cells.push({ temperature, alpha, accuracy: mean(members.map((m) => m.accuracy)), gain: gainOf(members) });
    }),
  );
  const controls: SweepControlReport[] = [];
  for (const control of c.controls) {
    if (control === 'temperature-scaling') continue;
    const members = outputs.filter((o) => o.plan.role.kind === 'control' && o.plan.role.control === control);
    if (!members.length) continue;
    controls.push({
      control,
      temperature: members[0].plan.temperature,
      alpha: members[0].plan.alpha,
      accuracy: mean(members.map((m) => m.accuracy)),
      gain: gainOf(members),
    });
  }
  const reference = referenceCell(c);
  return {
    group: ctx.group,
    student: c.students[ctx.group],
    parameters: ctx.parameters,
    step: ctx.step,
    steps: ctx.steps,
    final: ctx.final,
    members: outputs.length,
    teacherAccuracy: ctx.teacherAccuracy,
    baselineAccuracy: mean([...baselineOf.values()].map((b) => b.accuracy)),
    cells,
    temperatures: [...c.temperatures],
    alphas: [...c.alphas],
    seeds: [...c.seeds],
    reference,
    controls,
    calibration: c.controls.includes('temperature-scaling') ? calibration(outputs, scored, reference) : null,
    n: scored.labels.length,
    rows: new Set(scored.rowOf).size,
  };
}
