// What a lesson may say about a run: the numbers of the run on the page, read from the client
// store (never typed into a lesson), plus what earlier runs of the same lesson ended with. Pure
// functions of the state, so the explanations can be tested on a made-up state.

import { soften } from '../client/soften';
import type { AppState, LossRow } from '../client/state';
import { parameterCount, resolveSize, type RunConfig } from '../config';
import type { Metrics } from '../worker/protocol';

/** The end of an earlier run of a lesson's variant, kept to compare runs. */
export interface RunRecord {
  variant: string;
  at: Date;
  step: number;
  teacher?: number;
  student?: number;
  baseline?: number;
  gain?: number;
}

export interface RunFacts {
  config: RunConfig;
  /** True when the run on the page is this lesson's (its button started it). */
  mine: boolean;
  variant: string | null;
  phase: AppState['run']['phase'];
  distillStep: number;
  /** Step of the latest distillation validation; undefined before the first. */
  evalStep?: number;
  teacher?: Metrics;
  student?: Metrics;
  baseline?: Metrics;
  /** student − baseline accuracy at the latest validation. */
  gain?: number;
  /** Rows of the validation split (from a confusion matrix): the n behind each accuracy. */
  valRows?: number;
  /** Standard error of the gain if the two models' errors were independent: √((p_s(1−p_s) + p_b(1−p_b)) / n). */
  gainSE?: number;
  /** The gain at every distillation validation so far, in order. */
  gains: number[];
  /** The latest distillation loss values (unweighted terms and the total). */
  loss?: LossRow;
  /** The predictions panel's input and the teacher's and student's logits on it. */
  prediction?: { input: string; labels: string[]; teacher: number[]; student?: number[] };
  kind?: 'classification' | 'generation';
  classes?: number;
  labelledRows?: number;
  transferRows?: number;
  params?: { teacher: number; student: number };
  /** Earlier runs of this lesson, by variant id (the latest of each). */
  previous: Record<string, RunRecord>;
}

function paramsOf(state: AppState): RunFacts['params'] {
  const info = state.task.info;
  if (!info) return undefined;
  try {
    const count = (spec: string) =>
      parameterCount({
        ...resolveSize(spec),
        vocabSize: info.vocabSize,
        blockSize: info.seqLen,
        bias: false,
        dropout: 0,
      });
    return { teacher: count(state.config.teacher), student: count(state.config.student) };
  } catch {
    return undefined;
  }
}

export function runFacts(
  state: AppState,
  mine: { runId: number; variant: string } | null,
  previous: Record<string, RunRecord> = {},
): RunFacts {
  const run = state.run;
  const isMine = mine !== null && mine.runId === run.runId && run.started;
  const info = state.task.info;
  const base: RunFacts = {
    config: state.config,
    mine: isMine,
    variant: isMine ? mine.variant : null,
    phase: run.phase,
    distillStep: run.distillStep,
    gains: [],
    kind: info?.kind,
    classes: info?.classes?.length,
    labelledRows: info?.labelledRows,
    transferRows: info?.transferRows,
    params: paramsOf(state),
    previous,
  };
  if (!isMine) return base;
  // The validation at step 0 (before any distillation step) says nothing about distillation yet.
  const val = run.latestVal && run.latestVal.phase === 'distill' && run.latestVal.step > 0 ? run.latestVal : null;
  const final = run.test;
  const report = final ?? val;
  const gains = run.distillAccuracy
    .filter((r) => r.step > 0)
    .map((r) => r.gain)
    .filter((g): g is number => g !== undefined);
  const facts: RunFacts = { ...base, gains, loss: run.distillLoss[run.distillLoss.length - 1] };
  if (report) {
    facts.evalStep = report.step;
    facts.teacher = report.teacher;
    facts.student = report.student;
    facts.baseline = report.baseline;
    if (report.student && report.baseline) facts.gain = report.student.accuracy - report.baseline.accuracy;
    const confusion = report.student?.confusion ?? report.baseline?.confusion;
    if (confusion) facts.valRows = confusion.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0);
    if (facts.valRows && report.student && report.baseline) {
      const ps = report.student.accuracy;
      const pb = report.baseline.accuracy;
      facts.gainSE = Math.sqrt((ps * (1 - ps) + pb * (1 - pb)) / facts.valRows);
    }
  }
  const p = run.prediction;
  if (p?.teacher)
    facts.prediction = { input: p.input, labels: p.labels, teacher: p.teacher.logits, student: p.student?.logits };
  return facts;
}

/** The record of the current run, to keep when it has a validation. */
export function recordOf(f: RunFacts, at: Date): RunRecord | null {
  if (!f.mine || !f.variant || f.evalStep === undefined) return null;
  return {
    variant: f.variant,
    at,
    step: f.evalStep,
    teacher: f.teacher?.accuracy,
    student: f.student?.accuracy,
    baseline: f.baseline?.accuracy,
    gain: f.gain,
  };
}

/** How many standard errors a gain is from zero; undefined when the error is unknown. */
export function zScore(f: RunFacts): number | undefined {
  return f.gain !== undefined && f.gainSE ? f.gain / f.gainSE : undefined;
}

/** The teacher's distribution on the prediction input at temperature T: top class, runner-up, last, entropy in bits. */
export function softAt(logits: readonly number[], labels: readonly string[], T: number) {
  const p = soften([...logits], T);
  const order = p.map((_, i) => i).sort((a, b) => p[b] - p[a]);
  const entropy = -p.reduce((a, v) => a + (v > 0 ? v * Math.log2(v) : 0), 0);
  return {
    probs: p,
    top: { label: labels[order[0]], p: p[order[0]] },
    second: { label: labels[order[1]] ?? '', p: p[order[1]] ?? 0 },
    last: { label: labels[order[order.length - 1]], p: p[order[order.length - 1]] },
    entropyBits: entropy,
    order,
  };
}
