// The first screen (issue 9): what distillation is, in three sentences, and one obvious first action
// — Start — without opening anything. While a run trains it points at the curves instead.

import { runStatus } from '../client/state';
import { useApp, useController } from './context';
import { Tr, useT } from './i18n';

export function Hero() {
  const c = useController();
  const { t, fmt } = useT();
  const run = useApp((s) => s.run);
  const labelled = useApp((s) => s.config.labelled);
  const taskError = useApp((s) => s.task.error);
  const backend = useApp((s) => s.backend?.name);
  const status = runStatus(run);
  const active = status === 'running' || status === 'paused';
  const fast = backend === 'webgpu' || backend === 'wasm';
  return (
    <section className="hero card" aria-labelledby="hero-title" data-testid="hero">
      <div className="hero-text">
        <h2 id="hero-title">{t('insight.hero.title')}</h2>
        <p>
          <Tr k="insight.hero.what" />
        </p>
        <p>
          <Tr k="insight.hero.how" values={{ labelled: fmt.int(labelled) }} />
        </p>
      </div>
      <div className="hero-action">
        {active ? (
          <>
            <p className="hero-running" aria-live="polite">
              {t('insight.hero.running')}
            </p>
            <a className="button-link" href="#curves">
              {t('insight.hero.scroll')}
            </a>
          </>
        ) : (
          <button
            type="button"
            className="primary hero-start"
            data-testid="hero-start"
            onClick={() => c.start()}
            disabled={!!taskError}
          >
            {status === 'done' || status === 'error' ? t('insight.hero.restart') : t('insight.hero.start')}
          </button>
        )}
        <p className="muted small">
          {fast && backend ? t('insight.hero.time', { backend }) : t('insight.hero.timeUnknown')}
        </p>
      </div>
    </section>
  );
}
