// The lessons explain a run from its own numbers: a made-up state goes in, its numbers come out.

import { describe, expect, it } from 'vitest';
import { initialState, reducer, type AppState } from '../client/state';
import { configFromSearchParams, DEFAULT_CONFIG } from '../config';
import { placeholders } from '../i18n/catalog';
import { lineText } from '../ui/lessons/lessonText';
import { makeFormat } from '../ui/i18n';
import type { EvalReport, Metrics, TaskInfo } from '../worker/protocol';
import { runFacts } from './facts';
import { LESSONS, WAITING, type Line, type Text } from './lessons';

const fmtEn = makeFormat('en', (_k, v) => `${v?.value} pts`);
const fmtZh = makeFormat('zh', (_k, v) => `${v?.value} 个百分点`);

const INFO: TaskInfo = {
  id: 'sentiment',
  title: 'Sentiment',
  description: '',
  kind: 'classification',
  vocabSize: 99,
  seqLen: 22,
  classes: ['very negative', 'negative', 'neutral', 'positive', 'very positive'],
  examples: ['not very good'],
  knowsTruth: false,
  teacherRows: 8000,
  labelledRows: 200,
  transferRows: 2000,
};

/** A confusion matrix over 500 rows with `correct` on the diagonal. */
function confusion(correct: number): number[][] {
  const m = Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]);
  for (let i = 0; i < 5; i++) m[i][i] = correct / 5;
  for (let i = 0; i < 5; i++) m[i][(i + 1) % 5] = (500 - correct) / 5;
  return m;
}
const metrics = (accuracy: number, agreement: number): Metrics => ({
  accuracy,
  nll: 1,
  perplexity: Math.E,
  ece: 0.1,
  reliability: [],
  agreement,
  confusion: confusion(accuracy * 500),
});

/** The state after a lesson's run started (runId 2) and, optionally, validated once. */
function stateOf(query: string, accs?: { teacher: number; student: number; baseline: number }): AppState {
  const { config } = configFromSearchParams(new URLSearchParams(query), DEFAULT_CONFIG);
  let s = initialState(config);
  s = reducer(s, { type: 'event', event: { type: 'taskInfo', task: 'sentiment', info: INFO, error: null } });
  s = reducer(s, { type: 'started', runId: 2, paused: false });
  s = reducer(s, { type: 'event', event: { type: 'phase', runId: 2, phase: 'distill', detail: '', totalSteps: 600 } });
  s = reducer(s, {
    type: 'event',
    event: {
      type: 'points',
      runId: 2,
      speed: null,
      points: [
        {
          phase: 'distill',
          step: 100,
          lr: 0.003,
          temperature: config.hyper.temperature,
          alpha: config.hyper.alpha,
          values: { total: 1.2, hard: 1.1, soft: 0.64, feature: 0, attention: 0, relation: 0, baseline: 1.3 },
        },
      ],
    },
  });
  s = reducer(s, {
    type: 'event',
    event: {
      type: 'prediction',
      runId: 2,
      result: {
        input: 'not very good',
        tokens: [],
        kind: 'classification',
        labels: INFO.classes!,
        teacher: { logits: [1, 3, 1.5, -1, -2], nLayer: 1, nHead: 1, attention: [] },
        layerMap: [0],
      },
    },
  });
  if (accs) {
    const report: EvalReport = {
      phase: 'distill',
      step: 100,
      split: 'val',
      teacher: metrics(accs.teacher, 1),
      student: metrics(accs.student, 0.62),
      baseline: metrics(accs.baseline, 0.41),
    };
    s = reducer(s, { type: 'event', event: { type: 'eval', runId: 2, report } });
  }
  return s;
}

function texts(t: Text): string[] {
  return [t.en, t.zh];
}

function checkLine(l: Line, where: string) {
  expect(l.text.en.trim(), where).not.toBe('');
  expect(l.text.zh.trim(), where).not.toBe('');
  expect(placeholders(l.text.zh), where).toEqual(placeholders(l.text.en));
  for (const p of placeholders(l.text.en)) expect(l.values && p in l.values, `${where}: {{${p}}}`).toBe(true);
  expect(lineText(l, 'en', fmtEn), where).not.toMatch(/\{\{/);
  expect(lineText(l, 'zh', fmtZh), where).not.toMatch(/\{\{/);
}

describe('the lessons', () => {
  it('are the eight of the course, each with a question, choices and presets that the URL reads without complaint', () => {
    expect(LESSONS.map((l) => l.id)).toEqual([
      'dark-knowledge',
      'alpha',
      'kd-gain',
      'transfer-set',
      'capacity',
      'paradigms',
      'when-kd-fails',
      'conventions',
    ]);
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
    for (const l of LESSONS) {
      for (const t of [
        l.title,
        l.intro,
        l.question,
        ...l.choices.map((c) => c.text),
        ...l.variants.map((v) => v.label),
      ]) {
        for (const s of texts(t)) expect(s.trim(), l.id).not.toBe('');
      }
      expect(l.choices.length, l.id).toBeGreaterThanOrEqual(2);
      expect(l.variants.length, l.id).toBeGreaterThanOrEqual(1);
      for (const v of l.variants) {
        const parsed = configFromSearchParams(new URLSearchParams(v.query), DEFAULT_CONFIG);
        expect(parsed.warnings, `${l.id}/${v.id}`).toEqual([]);
        // Small enough for a laptop in a minute or two.
        expect(parsed.config.steps, `${l.id}/${v.id}`).toBeLessThanOrEqual(600);
        expect(parsed.config.teacherSteps, `${l.id}/${v.id}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('set what each preset is about', () => {
    const cfg = (lesson: string, variant: string) =>
      configFromSearchParams(
        new URLSearchParams(LESSONS.find((l) => l.id === lesson)!.variants.find((v) => v.id === variant)!.query),
        DEFAULT_CONFIG,
      ).config;
    expect(cfg('dark-knowledge', 't1').hyper.temperature).toBe(1);
    expect(cfg('alpha', 'a0').hyper.alpha).toBe(0);
    expect(cfg('transfer-set', 'without').transfer).toBe(0);
    expect(cfg('capacity', 'tiny').student).toBe('tiny');
    expect(cfg('paradigms', 'feature').hyper.beta).toBe(1);
    expect(cfg('paradigms', 'feature').steps).toBe(300);
    expect(cfg('when-kd-fails', 'untrained').teacherSteps).toBe(1);
    expect(cfg('kd-gain', 'seed2').seed).toBe(2);
  });

  it('wait for the first validation instead of making up numbers', () => {
    for (const l of LESSONS) {
      const s = stateOf(l.variants[0].query);
      const lines = l.explain(runFacts(s, { runId: 2, variant: l.variants[0].id }));
      lines.forEach((line, i) => checkLine(line, `${l.id} line ${i}`));
      if (l.id !== 'conventions')
        expect(
          lines.some((x) => x.text === WAITING.text),
          l.id,
        ).toBe(true);
      // A run that is not the lesson's own says nothing about it.
      expect(
        l.explain(runFacts(s, null)).every((x) => !/%/.test(lineText(x, 'en', fmtEn))),
        l.id,
      ).toBe(true);
    }
  });

  it('explain from the run’s own numbers, in both languages', () => {
    for (const l of LESSONS) {
      const v = l.variants[0];
      const s = stateOf(v.query, { teacher: 0.772, student: 0.436, baseline: 0.35 });
      const f = runFacts(s, { runId: 2, variant: v.id });
      const lines = l.explain(f);
      lines.forEach((line, i) => checkLine(line, `${l.id} line ${i}`));
      const en = lines.map((x) => lineText(x, 'en', fmtEn)).join('\n');
      const zh = lines.map((x) => lineText(x, 'zh', fmtZh)).join('\n');
      if (l.id !== 'dark-knowledge') {
        expect(en, l.id).toContain('43.6%');
        expect(en, l.id).toContain('+8.6 pts');
        expect(zh, l.id).toContain('43.6%');
      }
      const verdict = l.verdict(f);
      if (verdict !== null)
        expect(
          l.choices.map((c) => c.id),
          l.id,
        ).toContain(verdict);
    }
    // Other numbers, other words: nothing is typed into a lesson.
    const alpha = LESSONS.find((l) => l.id === 'alpha')!;
    const f2 = runFacts(stateOf(alpha.variants[0].query, { teacher: 0.772, student: 0.36, baseline: 0.35 }), {
      runId: 2,
      variant: 'a07',
    });
    expect(
      alpha
        .explain(f2)
        .map((x) => lineText(x, 'en', fmtEn))
        .join('\n'),
    ).toMatch(/\+1\.0 pts[\s\S]*within the noise/);
    expect(alpha.verdict(f2)).toBe('same');
  });

  it('give the gain a standard error from the validation size', () => {
    const l = LESSONS.find((x) => x.id === 'kd-gain')!;
    const f = runFacts(stateOf(l.variants[0].query, { teacher: 0.772, student: 0.436, baseline: 0.35 }), {
      runId: 2,
      variant: 'seed1',
    });
    expect(f.valRows).toBe(500);
    // √((0.436·0.564 + 0.35·0.65) / 500) = 0.0307
    expect(f.gainSE).toBeCloseTo(Math.sqrt((0.436 * 0.564 + 0.35 * 0.65) / 500), 10);
    const en = l
      .explain(f)
      .map((x) => lineText(x, 'en', fmtEn))
      .join('\n');
    expect(en).toContain('n = 500');
    expect(en).toContain('√(SE² + SE²) = 3.1 points'); // the SE of the difference
    expect(en).toMatch(/2\.8 standard errors from zero, clearly more than noise/);
  });

  it('show dark knowledge from the teacher’s logits on the predictions input', () => {
    const l = LESSONS[0];
    const f = runFacts(stateOf(l.variants[0].query), { runId: 2, variant: 't4' });
    const en = l
      .explain(f)
      .map((x) => lineText(x, 'en', fmtEn))
      .join('\n');
    // softmax([1, 3, 1.5, −1, −2]): "negative" is on top with 72.3% at T = 1 (e³ / Σ e^z)
    expect(en).toMatch(/top class is negative: 72\.3% at T = 1/);
    expect(en).toMatch(/runner-up, neutral/);
    expect(l.verdict(f)).toBe('down');
  });
});
