import type { DbErrorKind } from '../../client/runsDb';
import type { RunsNotice as Notice, RunsOp } from '../../client/runsState';
import type { TKey } from '../../i18n/catalog';
import { useApp, useController } from '../context';
import { useT, type TFn } from '../i18n';

const OP: Record<RunsOp, TKey> = { load: 'runs.op.load', save: 'runs.op.save', delete: 'runs.op.delete' };

function errorText(t: TFn, kind: DbErrorKind, message: string): string {
  switch (kind) {
    case 'quota':
      return t('runs.error.quota');
    case 'unavailable':
      return t('runs.error.unavailable');
    case 'failed':
      return t('runs.error.failed', { message });
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function text(t: TFn, n: Notice): string {
  switch (n.kind) {
    case 'saved':
      return n.end?.kind === 'stopped'
        ? t('runs.notice.savedStopped', { step: String(n.end.step), title: n.title })
        : t('runs.notice.saved', { title: n.title });
    case 'error':
      return `${t(OP[n.op])}: ${errorText(t, n.error.kind, n.error.message)}`;
    default: {
      const never: never = n;
      return never;
    }
  }
}

/** The last word from the runs store: kept, or why not. Non-modal; errors stay until dismissed. */
export function RunsNotice() {
  const c = useController();
  const { t } = useT();
  const notice = useApp((s) => s.runs.notice);
  const status = useApp((s) => s.runs.status);
  // "Unavailable" is said once, in the panel's body; the notice would repeat it.
  const shown =
    notice && !(status === 'unavailable' && notice.kind === 'error' && notice.op === 'load') ? notice : null;
  // The live region is always there, so screen readers announce what appears in it.
  return (
    <div aria-live="polite" className="runs-notice-region">
      {shown ? (
        <div
          className={shown.kind === 'error' ? 'runs-notice error' : 'runs-notice saved'}
          data-testid="runs-notice"
          data-kind={shown.kind}
        >
          <span>{text(t, shown)}</span>{' '}
          <button type="button" className="link" onClick={() => c.runs.dismiss()}>
            {t('runs.dismiss')}
          </button>
        </div>
      ) : null}
    </div>
  );
}
