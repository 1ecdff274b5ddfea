import { describe, expect, it } from 'vitest';
import { DEFAULT_HYPER } from '../config';
import { en } from '../i18n/en';
import { flatten, fill } from '../i18n/catalog';
import type { EvalReport, Metrics } from '../worker/protocol';
import { makeFormat } from './i18n';
import { summarize, verdictFor, type SummaryInput } from './summary';

const EN = flatten(en);
const fmt = makeFormat('en', (k, v) => fill(EN[k], v));
const m = (accuracy: number, agreement?: number): Metrics => ({
  accuracy,
  nll: 1,
  perplexity: 2.7,
  ece: 0.1,
  reliability: [],
  agreement,
});

function input(over: Partial<EvalReport> = {}, x: Partial<SummaryInput> = {}): SummaryInput {
  const report: EvalReport = {
    phase: 'distill',
    step: 600,
    split: 'test',
    teacher: m(0.748),
    student: m(0.58, 0.61),
    baseline: m(0.4, 0.42),
    gain: { gain: 0.18, se: 0.025, n: 500, rows: 500 },
    ...over,
  };
  return {
    report,
    final: report.split === 'test',
    task: 'sentiment',
    kind: 'classification',
    classes: 5,
    hyper: DEFAULT_HYPER,
    teacherParams: 155_000,
    studentParams: 28_600,
    ...x,
  };
}

const text = (s: ReturnType<typeof summarize>) =>
  [...s!.lines, ...s!.warnings, s!.next].map((l) => fill(EN[l.key], l.values)).join('\n');

describe('the run summary', () => {
  it('says who beat whom, by how much and how sure, what the teacher knew and what T and α did', () => {
    const s = summarize(input(), fmt)!;
    expect(s.verdict).toBe('helps');
    const words = text(s);
    expect(words).toContain('58.0%');
    expect(words).toContain('40.0%');
    expect(words).toContain('+18.0 pts');
    expect(words).toContain('± 2.5');
    expect(words).toContain('7.2 standard errors');
    expect(words).toContain('The <b>teacher</b> scored 74.8% (chance is 20%)');
    expect(words).toContain('T = 4');
    expect(words).toContain('α = 0.7 puts 70%');
    expect(words).toContain('5.4× fewer parameters');
    expect(s.warnings).toEqual([]);
  });

  it('calls a gain within two standard errors noise, in words, and warns while the run goes on', () => {
    const s = summarize(input({ split: 'val', step: 150, gain: { gain: 0.028, se: 0.025, n: 500, rows: 500 } }), fmt)!;
    expect(s.verdict).toBe('noise');
    expect(text(s)).toContain('within two standard errors of zero');
    expect(s.warnings.map((w) => w.key)).toEqual(['insight.warn.noise']);
  });

  it('warns when the teacher is near chance', () => {
    const s = summarize(input({ teacher: m(0.23), gain: { gain: 0.01, se: 0.02, n: 500, rows: 500 } }), fmt)!;
    expect(s.warnings.map((w) => w.key)).toContain('insight.warn.teacherChance');
  });

  it('explains why KD does not help on modular addition with a small student', () => {
    const s = summarize(
      input(
        { teacher: m(1), student: m(0.1), baseline: m(0.12), gain: { gain: -0.02, se: 0.02, n: 169, rows: 169 } },
        { task: 'modadd', classes: 13 },
      ),
      fmt,
    )!;
    expect(s.verdict).toBe('noise');
    expect(s.warnings.map((w) => w.key)).toEqual(['insight.warn.modaddTiny']);
  });

  it('α = 0: the distilled student is a second baseline', () => {
    const s = summarize(input({}, { hyper: { ...DEFAULT_HYPER, alpha: 0 } }), fmt)!;
    expect(s.lines.map((l) => l.key)).toContain('insight.summary.knobsAlphaZero');
  });

  it('verdict: beyond two standard errors either way', () => {
    expect(verdictFor(0.06, 0.025)).toBe('helps');
    expect(verdictFor(0.04, 0.025)).toBe('noise');
    expect(verdictFor(-0.06, 0.025)).toBe('hurts');
    expect(verdictFor(0, 0)).toBe('noise');
  });
});
