// A fault the worker met during the run (issue 11), in words: what happened, what the worker did
// about it, and what to try. The worker's own sentence (English) follows as the detail in English.

import type { RunFault, TrainPhase } from '../worker/protocol';
import { useApp, useController } from './context';
import { useT, type TFn } from './i18n';

const phaseWord = (t: TFn, phase: TrainPhase) =>
  t(phase === 'teacher' ? 'persist.phase.teacher' : 'persist.phase.distill');

/** The fault's title and sentences, in order. */
export function faultText(t: TFn, f: RunFault): { title: string; lines: string[] } {
  switch (f.kind) {
    case 'divergence':
      return {
        title: t('persist.fault.divergence.title'),
        lines: [
          t('persist.fault.divergence.what', { phase: phaseWord(t, f.phase), step: f.step }),
          f.rolledBackTo === null
            ? t('persist.fault.divergence.restarted')
            : t('persist.fault.divergence.rolledBack', { to: f.rolledBackTo }),
          t('persist.fault.divergence.tryThis'),
        ],
      };
    case 'deviceLost':
      return {
        title: t('persist.fault.deviceLost.title'),
        lines: [
          f.to === null
            ? t('persist.fault.deviceLost.stopped')
            : f.resumedFrom === null
              ? t('persist.fault.deviceLost.continuedStart', { to: f.to })
              : t('persist.fault.deviceLost.continued', { to: f.to, step: f.resumedFrom }),
          t('persist.fault.deviceLost.tryThis'),
        ],
      };
    default: {
      const never: never = f;
      return never;
    }
  }
}

export function FaultPanel() {
  const c = useController();
  const { t, lang } = useT();
  const fault = useApp((s) => s.run.fault);
  if (!fault) return null;
  const { title, lines } = faultText(t, fault);
  return (
    <div
      className="fault-panel"
      role="alert"
      aria-label={t('persist.fault.aria')}
      data-testid="fault"
      data-kind={fault.kind}
    >
      <p>
        <strong>{title}</strong>
      </p>
      {lines.map((line) => (
        <p key={line} className="small">
          {line}
        </p>
      ))}
      {lang === 'en' && fault.message ? (
        <p className="muted small">{t('persist.fault.details', { message: fault.message })}</p>
      ) : null}
      <button type="button" className="link" onClick={() => c.dismissFault()}>
        {t('persist.fault.dismiss')}
      </button>
    </div>
  );
}
