import { useApp, useController } from './context';
import { useT } from './i18n';

/** Values in the link that could not be used (replaced by defaults). */
export function UrlWarnings() {
  const c = useController();
  const { t } = useT();
  const warnings = useApp((s) => s.urlWarnings);
  if (!warnings.length) return null;
  return (
    <div className="card url-warnings" role="status" data-testid="url-warnings">
      <strong>{t('urlWarnings.title')}</strong>
      <ul>
        {warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
      <button type="button" className="link" onClick={() => c.store.dispatch({ type: 'dismissWarnings' })}>
        {t('urlWarnings.dismiss')}
      </button>
    </div>
  );
}
