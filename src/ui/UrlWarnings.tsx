import { useApp, useController } from './context';

/** Values in the link that could not be used (replaced by defaults). */
export function UrlWarnings() {
  const c = useController();
  const warnings = useApp((s) => s.urlWarnings);
  if (!warnings.length) return null;
  return (
    <div className="card url-warnings" role="status" data-testid="url-warnings">
      <strong>Some settings in the link were not usable and were replaced by defaults:</strong>
      <ul>
        {warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
      <button type="button" className="link" onClick={() => c.store.dispatch({ type: 'dismissWarnings' })}>
        Dismiss
      </button>
    </div>
  );
}
