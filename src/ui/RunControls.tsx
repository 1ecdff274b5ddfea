import { runStatus, stepCounter } from '../client/state';
import type { TKey } from '../i18n/catalog';
import type { Phase } from '../worker/protocol';
import { useApp, useController } from './context';
import { FaultPanel } from './FaultPanel';
import { useT } from './i18n';
import { StoredRunNotices } from './StoredRunNotices';
import { runAtRisk } from './useLeaveWarning';

const PHASE_TEXT: Record<Phase, TKey> = {
  idle: 'phase.text.idle',
  loading: 'phase.text.loading',
  teacher: 'phase.text.teacher',
  caching: 'phase.text.caching',
  distill: 'phase.text.distill',
  testing: 'phase.text.testing',
  done: 'phase.text.done',
  error: 'phase.text.error',
};

/** The phase's own name (in English its id, which tests read). */
const PHASE_NAME: Record<Phase, TKey> = {
  idle: 'phase.name.idle',
  loading: 'phase.name.loading',
  teacher: 'phase.name.teacher',
  caching: 'phase.name.caching',
  distill: 'phase.name.distill',
  testing: 'phase.name.testing',
  done: 'phase.name.done',
  error: 'phase.name.error',
};

function Progress() {
  const { t, fmt } = useT();
  const run = useApp((s) => s.run);
  const step = run.phase === 'teacher' ? run.teacherStep : run.distillStep;
  if (run.phase === 'caching' && run.cache) {
    return (
      <div className="progress-row">
        <progress
          className="progress"
          max={run.cache.total}
          value={run.cache.done}
          aria-label={t('run.cachingProgress')}
        />
        <span className="muted small">
          {t('run.cached', { done: fmt.int(run.cache.done), total: fmt.int(run.cache.total) })}
        </span>
      </div>
    );
  }
  if (run.phase === 'caching' || run.phase === 'loading' || run.phase === 'testing') {
    return <progress className="progress" aria-label={t('run.phaseBusy', { phase: t(PHASE_TEXT[run.phase]) })} />;
  }
  if ((run.phase === 'teacher' || run.phase === 'distill') && run.totalSteps > 0) {
    // The bar only: the step counter above says the same step in words.
    const cache = run.phase === 'distill' && run.cache && run.cache.done < run.cache.total ? run.cache : null;
    return (
      <>
        <div className="progress-row">
          <progress
            className="progress"
            max={run.totalSteps}
            value={step}
            aria-label={t('run.phaseProgress', { phase: t(PHASE_TEXT[run.phase]) })}
          />
        </div>
        {cache ? (
          <p className="muted small" data-testid="cache-progress">
            {t('run.cachedLazy', { done: fmt.int(cache.done), total: fmt.int(cache.total) })}
          </p>
        ) : null}
      </>
    );
  }
  return null;
}

export function RunControls() {
  const c = useController();
  const { t, fmt, lang } = useT();
  const run = useApp((s) => s.run);
  const configErrors = useApp((s) => s.task.error);
  const status = runStatus(run);
  const counter = stepCounter(run);
  const active = status === 'running' || status === 'paused';
  const canStart = !active && !configErrors;
  const speed = run.speed;
  // A run with progress is not thrown away by one stray click (the browser's own dialog: focus-trapped, keyboard-operable).
  const confirmReset = () => !runAtRisk(run) || window.confirm(t('run.resetConfirm', { steps: counter.step }));
  // Time left in the phase now training, from its current speed (long phases only: over 10 s).
  const left = counter.total - counter.step;
  const etaRaw =
    speed && speed.stepsPerSec > 0 && speed.phase === counter.phase && left > 0 ? left / speed.stepsPerSec : null;
  const eta = etaRaw !== null && etaRaw > 10 ? etaRaw : null;

  return (
    <section className="card run-controls" aria-label={t('run.controls')}>
      <div className="buttons">
        <button type="button" className="primary" onClick={() => c.start()} disabled={!canStart}>
          {t('run.start')}
        </button>
        {status === 'paused' ? (
          <button type="button" onClick={() => c.resume()}>
            {t('run.resume')}
          </button>
        ) : (
          <button type="button" onClick={() => c.pause()} disabled={status !== 'running'}>
            {t('run.pause')}
          </button>
        )}
        <button type="button" onClick={() => c.step()} disabled={status === 'running' || (!active && !canStart)}>
          {t('run.step')}
        </button>
        <button
          type="button"
          onClick={() => confirmReset() && c.reset()}
          disabled={status === 'idle' && run.phase === 'idle' && !run.started}
        >
          {t('run.reset')}
        </button>
      </div>
      <div className="run-status">
        <div className="step-counter">
          <span className="muted" data-testid="step-label">
            {counter.phase === 'teacher'
              ? t('run.teacherStepLabel')
              : counter.phase === 'distill'
                ? t('run.distillStepLabel')
                : t('run.stepCounter')}
          </span>{' '}
          <strong data-testid="step" aria-live="off">
            {counter.step}
          </strong>
          {counter.total > 0 ? <span className="muted"> / {counter.total}</span> : null}
        </div>
        <div className="phase">
          <span className={`dot dot-${status}`} aria-hidden="true" />
          <span data-testid="phase">{t(PHASE_NAME[run.phase])}</span>
          <span className="muted small">
            {' '}
            · {status === 'paused' ? t('run.paused') : t(PHASE_TEXT[run.phase])}
            {speed && status === 'running'
              ? ` · ${t('run.stepsPerSec', { value: fmt.fixed(speed.stepsPerSec, 1) })}`
              : ''}
            {eta !== null && status === 'running' ? (
              <span data-testid="eta">
                {' · '}
                {t('insight.eta.left', {
                  time:
                    eta < 60
                      ? t('insight.eta.seconds', { n: Math.max(1, Math.round(eta)) })
                      : t('insight.eta.minutes', { m: Math.floor(eta / 60), s: Math.round(eta % 60) }),
                })}
              </span>
            ) : null}
          </span>
        </div>
      </div>
      <FaultPanel />
      <StoredRunNotices />
      <Progress />
      {/* The worker words its details in English; other languages have the phase text above. */}
      {run.detail && run.phase !== 'error' && lang === 'en' ? <p className="muted small detail">{run.detail}</p> : null}
      {run.notice ? (
        <p className="notice small" data-testid="notice">
          {run.notice}
        </p>
      ) : null}
      {run.error ? (
        <p className="error" role="alert" data-testid="error">
          {run.error}
        </p>
      ) : null}
    </section>
  );
}
