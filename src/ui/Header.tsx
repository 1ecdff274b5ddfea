import { LANGS, LOCALE, type Lang, type TKey } from '../i18n/catalog';
import { setLanguage } from '../i18n';
import { useApp } from './context';
import { useT } from './i18n';

const LANG_NAME: Record<Lang, TKey> = { en: 'language.en', zh: 'language.zh' };

function BackendBadge() {
  const { t } = useT();
  const backend = useApp((s) => s.backend);
  if (!backend) {
    return (
      <div className="badge badge-pending" data-testid="backend" aria-live="polite">
        {t('backend.choosing')}
      </div>
    );
  }
  const good = backend.name === 'webgpu';
  return (
    <div className={`badge ${good ? 'badge-good' : 'badge-warn'}`} data-testid="backend" aria-live="polite">
      <span className="badge-label">{t('backend.label')}</span> <strong>{backend.name}</strong>
      {backend.adapter ? <span className="badge-detail"> · {backend.adapter}</span> : null}
      {backend.fallbackReason ? (
        <span className="badge-reason" data-testid="backend-reason">
          {' '}
          —{' '}
          {backend.forced && backend.forced === backend.name
            ? backend.fallbackReason
            : t('backend.fellBack', { reason: backend.fallbackReason })}
        </span>
      ) : null}
    </div>
  );
}

/** English | 中文: two toggle buttons (Tab to reach, Enter or Space to choose); the choice is remembered. */
export function LanguageToggle() {
  const { t, lang } = useT();
  return (
    <div className="lang-toggle" role="group" aria-label={t('language.label')}>
      {LANGS.map((l) => (
        <button
          key={l}
          type="button"
          lang={LOCALE[l]}
          aria-pressed={l === lang}
          className={l === lang ? 'active' : ''}
          onClick={() => setLanguage(l)}
        >
          {t(LANG_NAME[l])}
        </button>
      ))}
    </div>
  );
}

export function Header() {
  const { t } = useT();
  return (
    <header className="app-header">
      <div>
        <h1>{t('app.title')}</h1>
        <p className="tagline">{t('app.tagline')}</p>
      </div>
      <div className="header-side">
        <LanguageToggle />
        <BackendBadge />
      </div>
    </header>
  );
}
