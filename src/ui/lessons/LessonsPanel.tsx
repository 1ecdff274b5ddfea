// The guided lessons (src/lessons/lessons.ts): pick a lesson, predict, run its preset, read what
// happened in this run. The card reads the live run from the store, redrawn at most every 700 ms.

import { useEffect, useId, useMemo, useState } from 'react';
import { configFromSearchParams, DEFAULT_CONFIG } from '../../config';
import type { AppState } from '../../client/state';
import { recordOf, runFacts, type RunFacts, type RunRecord } from '../../lessons/facts';
import { LESSONS, type Lesson, type Variant } from '../../lessons/lessons';
import { useApp, useController } from '../context';
import { useT } from '../i18n';
import { useThrottled } from '../useThrottled';
import { lineText, pick, withCode } from './lessonText';

interface Tracked {
  lessonId: string;
  variant: string;
  runId: number;
  at: Date;
}

const REDRAW_MS = 700;
const selectAll = (s: AppState) => s;

export function LessonsPanel() {
  const { t, lang } = useT();
  const c = useController();
  const [index, setIndex] = useState(0);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [tracked, setTracked] = useState<Tracked | null>(null);
  const [records, setRecords] = useState<Record<string, Record<string, RunRecord>>>({});
  const state = useThrottled(useApp(selectAll), REDRAW_MS);
  const lesson = LESSONS[index];
  const mine = tracked && tracked.lessonId === lesson.id ? { runId: tracked.runId, variant: tracked.variant } : null;
  const previous = records[lesson.id];
  const mineKey = mine ? `${mine.runId}:${mine.variant}` : '';
  // `mine` is a fresh object at each render: its key is the dependency.
  const facts = useMemo(() => runFacts(state, mine, previous ?? {}), [state, mineKey, previous]);

  // Keep the latest validation of the tracked run, to compare it with the lesson's other presets.
  const trackedFacts = useMemo(
    () => (tracked ? runFacts(state, { runId: tracked.runId, variant: tracked.variant }) : null),
    [state, tracked],
  );
  useEffect(() => {
    if (!tracked || !trackedFacts) return;
    const rec = recordOf(trackedFacts, tracked.at);
    if (!rec) return;
    setRecords((all) => {
      const old = all[tracked.lessonId]?.[tracked.variant];
      if (old && old.step === rec.step && old.student === rec.student && old.at === rec.at) return all;
      return { ...all, [tracked.lessonId]: { ...all[tracked.lessonId], [tracked.variant]: rec } };
    });
  }, [tracked, trackedFacts]);

  const run = (l: Lesson, v: Variant) => {
    const { config } = configFromSearchParams(new URLSearchParams(v.query), DEFAULT_CONFIG);
    c.setConfig(config, { teacherExplicit: true });
    const runId = c.start();
    setTracked({ lessonId: l.id, variant: v.id, runId, at: new Date() });
  };

  return (
    <section className="card lessons" aria-label={t('lessons.aria')} data-testid="lessons">
      <div className="card-head">
        <h2>{t('lessons.title')}</h2>
      </div>
      <p className="muted small">{t('lessons.note')}</p>
      <div className="lessons-body">
        <nav aria-label={t('lessons.list')}>
          <ol className="lesson-list">
            {LESSONS.map((l, i) => (
              <li key={l.id}>
                <button
                  type="button"
                  className={i === index ? 'lesson-tab active' : 'lesson-tab'}
                  aria-current={i === index ? 'step' : undefined}
                  onClick={() => setIndex(i)}
                >
                  <span className="lesson-n">{i + 1}</span>{' '}
                  <span className="lesson-tab-title">{pick(l.title, lang)}</span>
                </button>
              </li>
            ))}
          </ol>
        </nav>
        <LessonCard
          key={lesson.id}
          lesson={lesson}
          n={index + 1}
          facts={facts}
          answer={answers[lesson.id]}
          onAnswer={(a) => setAnswers((all) => ({ ...all, [lesson.id]: a }))}
          onRun={(v) => run(lesson, v)}
          startedAt={mine && tracked ? tracked.at : null}
        />
      </div>
      <div className="lesson-nav">
        <button type="button" onClick={() => setIndex((i) => Math.max(0, i - 1))} disabled={index === 0}>
          ← {t('lessons.prev')}
        </button>
        <button
          type="button"
          onClick={() => setIndex((i) => Math.min(LESSONS.length - 1, i + 1))}
          disabled={index === LESSONS.length - 1}
        >
          {t('lessons.next')} →
        </button>
      </div>
    </section>
  );
}

interface CardProps {
  lesson: Lesson;
  n: number;
  facts: RunFacts;
  answer: string | undefined;
  onAnswer(choice: string): void;
  onRun(v: Variant): void;
  startedAt: Date | null;
}

function LessonCard({ lesson, n, facts, answer, onAnswer, onRun, startedAt }: CardProps) {
  const { t, lang, fmt } = useT();
  const id = useId();
  const lines = lesson.explain(facts);
  const verdict = facts.mine && answer ? lesson.verdict(facts) : null;
  const variant = facts.mine ? lesson.variants.find((v) => v.id === facts.variant) : undefined;
  const chosen = lesson.choices.find((ch) => ch.id === answer);
  return (
    <article className="lesson-card" aria-labelledby={`${id}-title`}>
      <p className="lesson-kicker small muted">{t('lessons.lessonN', { n })}</p>
      <h3 id={`${id}-title`} className="lesson-title">
        {pick(lesson.title, lang)}
      </h3>
      <p className="lesson-intro">{pick(lesson.intro, lang)}</p>
      <fieldset className="lesson-question">
        <legend>
          {t('lessons.predict')}: {pick(lesson.question, lang)}
        </legend>
        {lesson.choices.map((ch) => (
          <label key={ch.id} className="lesson-choice">
            <input
              type="radio"
              name={`${id}-choice`}
              value={ch.id}
              checked={answer === ch.id}
              onChange={() => onAnswer(ch.id)}
            />{' '}
            {pick(ch.text, lang)}
          </label>
        ))}
      </fieldset>
      <div className="lesson-runs">
        {lesson.variants.map((v) => (
          <button
            key={v.id}
            type="button"
            className={facts.mine && facts.variant === v.id ? 'primary' : ''}
            onClick={() => onRun(v)}
            title={t('lessons.preset', { query: v.query })}
          >
            {lesson.variants.length > 1 ? t('lessons.runVariant', { variant: pick(v.label, lang) }) : t('lessons.run')}
          </button>
        ))}
      </div>
      <div className="lesson-result" aria-live="polite">
        {facts.mine && variant ? (
          <p className="small muted">
            {t('lessons.running', { variant: pick(variant.label, lang) })}{' '}
            {startedAt ? t('lessons.startedAt', { time: fmt.time(startedAt) }) : null}
          </p>
        ) : (
          <p className="small muted">{t('lessons.notRunning')}</p>
        )}
        {chosen ? <p className="small">{t('lessons.yourAnswer', { answer: pick(chosen.text, lang) })}</p> : null}
        {verdict && answer ? (
          <p className={verdict === answer ? 'lesson-verdict ok' : 'lesson-verdict warn'}>
            {verdict === answer ? t('lessons.verdictRight') : t('lessons.verdictWrong')}
          </p>
        ) : facts.mine && answer ? (
          <p className="lesson-verdict muted small">{t('lessons.verdictOpen')}</p>
        ) : null}
        {facts.mine ? (
          <>
            <h4>{t('lessons.whatHappened')}</h4>
            <ul className="lesson-lines" data-testid="lesson-lines">
              {lines.map((l, i) => (
                <li key={i}>{withCode(lineText(l, lang, fmt))}</li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </article>
  );
}
