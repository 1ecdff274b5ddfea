import { runStatus, stepCounter } from '../client/state';
import { useApp, useController } from './context';

const PHASE_TEXT: Record<string, string> = {
  idle: 'ready',
  loading: 'loading',
  teacher: 'training the teacher',
  caching: 'caching teacher outputs',
  distill: 'distilling',
  testing: 'testing',
  done: 'done',
  error: 'error',
};

function Progress() {
  const run = useApp((s) => s.run);
  const step = run.phase === 'teacher' ? run.teacherStep : run.distillStep;
  if (run.phase === 'caching' && run.cache) {
    return (
      <div className="progress-row">
        <progress className="progress" max={run.cache.total} value={run.cache.done} aria-label="caching teacher outputs progress" />
        <span className="muted small">
          teacher outputs cached for {run.cache.done.toLocaleString('en-US')} / {run.cache.total.toLocaleString('en-US')} training rows
        </span>
      </div>
    );
  }
  if (run.phase === 'caching' || run.phase === 'loading' || run.phase === 'testing') {
    return <progress className="progress" aria-label={`${PHASE_TEXT[run.phase]}…`} />;
  }
  if ((run.phase === 'teacher' || run.phase === 'distill') && run.totalSteps > 0) {
    // The bar only: the step counter above says the same step in words.
    return (
      <div className="progress-row">
        <progress className="progress" max={run.totalSteps} value={step} aria-label={`${PHASE_TEXT[run.phase]} progress`} />
      </div>
    );
  }
  return null;
}

export function RunControls() {
  const c = useController();
  const run = useApp((s) => s.run);
  const configErrors = useApp((s) => s.task.error);
  const status = runStatus(run);
  const counter = stepCounter(run);
  const active = status === 'running' || status === 'paused';
  const canStart = !active && !configErrors;
  const speed = run.speed;

  return (
    <section className="card run-controls" aria-label="Run controls">
      <div className="buttons">
        <button type="button" className="primary" onClick={() => c.start()} disabled={!canStart}>
          Start
        </button>
        {status === 'paused' ? (
          <button type="button" onClick={() => c.resume()}>
            Resume
          </button>
        ) : (
          <button type="button" onClick={() => c.pause()} disabled={status !== 'running'}>
            Pause
          </button>
        )}
        <button type="button" onClick={() => c.step()} disabled={status === 'running' || (!active && !canStart)}>
          Step
        </button>
        <button type="button" onClick={() => c.reset()} disabled={status === 'idle' && run.phase === 'idle' && !run.started}>
          Reset
        </button>
      </div>
      <div className="run-status">
        <div className="step-counter">
          <span className="muted" data-testid="step-label">
            {counter.phase === 'teacher' ? 'Teacher step' : counter.phase === 'distill' ? 'Distillation step' : 'Step'}
          </span>{' '}
          <strong data-testid="step" aria-live="off">
            {counter.step}
          </strong>
          {counter.total > 0 ? <span className="muted"> / {counter.total}</span> : null}
        </div>
        <div className="phase">
          <span className={`dot dot-${status}`} aria-hidden="true" />
          <span data-testid="phase">{run.phase}</span>
          <span className="muted small">
            {' '}
            · {status === 'paused' ? 'paused' : PHASE_TEXT[run.phase]}
            {speed && status === 'running' ? ` · ${speed.stepsPerSec.toFixed(1)} steps/s` : ''}
          </span>
        </div>
      </div>
      <Progress />
      {run.detail && run.phase !== 'error' ? <p className="muted small detail">{run.detail}</p> : null}
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
