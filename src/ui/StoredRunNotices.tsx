// What the page says about the run kept in this browser (issue 11), in the run controls: the offer
// to resume a run saved before a reload, why a saved run cannot be resumed (and the choice to delete
// or keep it), and storage notices (old runs evicted, checkpoints off). Plain buttons in the page's
// tab order: nothing modal, nothing that steals focus from what the visitor was doing.

import type { StorageNotice, StoredRunProblem } from '../client/storedRunState';
import type { TrainPhase } from '../worker/protocol';
import { useApp, useController } from './context';
import { useT, type TFn } from './i18n';

const phaseWord = (t: TFn, phase: TrainPhase) =>
  t(phase === 'teacher' ? 'persist.phase.teacher' : 'persist.phase.distill');

function problemText(t: TFn, p: StoredRunProblem): string {
  switch (p.kind) {
    case 'unreadable':
      return t('persist.corrupt.unreadable', { reason: p.reason });
    case 'refused':
      return t('persist.corrupt.refused', { message: p.message });
    default: {
      const never: never = p;
      return never;
    }
  }
}

function storageText(t: TFn, n: StorageNotice): string {
  switch (n.kind) {
    case 'evicted':
      return t('persist.storage.evicted', { count: n.titles.length, titles: n.titles.join('; ') });
    case 'off':
      return n.evicted.length
        ? `${t('persist.storage.evicted', { count: n.evicted.length, titles: n.evicted.join('; ') })} ${t('persist.storage.off')}`
        : t('persist.storage.off');
    case 'failed':
      return t('persist.storage.failed', { message: n.message });
    default: {
      const never: never = n;
      return never;
    }
  }
}

export function StoredRunNotices() {
  const c = useController();
  const { t, locale } = useT();
  const { offer, problem, storage, resumedFrom } = useApp((s) => s.stored);
  const resumedShown = useApp((s) => s.stored.resumedFrom !== null && s.run.started && s.run.phase !== 'done');
  return (
    <div aria-live="polite" className="stored-run">
      {offer ? (
        <div className="stored-offer" role="group" aria-label={t('persist.offer.aria')} data-testid="resume-offer">
          <p>
            {t('persist.offer.question', {
              phase: phaseWord(t, offer.phase),
              step: offer.step,
              time: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false }).format(
                new Date(offer.savedAt),
              ),
            })}
          </p>
          <div className="buttons">
            <button type="button" className="primary" onClick={() => c.resumeStored()}>
              {t('persist.offer.resume')}
            </button>
            <button type="button" onClick={() => void c.discardStored()}>
              {t('persist.offer.discard')}
            </button>
          </div>
        </div>
      ) : null}
      {problem ? (
        <div className="stored-problem" role="alert" data-testid="stored-problem" data-kind={problem.kind}>
          <p>{problemText(t, problem)}</p>
          <div className="buttons">
            <button type="button" onClick={() => void c.discardStored()}>
              {t('persist.corrupt.delete')}
            </button>
            <button type="button" onClick={() => c.keepStored()}>
              {t('persist.corrupt.keep')}
            </button>
          </div>
        </div>
      ) : null}
      {resumedFrom && resumedShown && !problem ? (
        <p className="muted small" data-testid="resumed">
          {t('persist.offer.resumed', { phase: phaseWord(t, resumedFrom.phase), step: resumedFrom.step })}
        </p>
      ) : null}
      {storage ? (
        <p className={storage.kind === 'evicted' ? 'notice small' : 'warn small'} data-testid="storage-notice">
          {storageText(t, storage)}{' '}
          <button type="button" className="link" onClick={() => c.keeper.dismissStorage()}>
            {t('persist.storage.dismiss')}
          </button>
        </p>
      ) : null}
    </div>
  );
}
