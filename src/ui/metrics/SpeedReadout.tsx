import { useApp } from '../context';
import { useT } from '../i18n';

export function SpeedReadout() {
  const { t, fmt } = useT();
  const speed = useApp((s) => s.run.speed);
  const latency = useApp((s) => s.run.latency);
  const backend = useApp((s) => s.backend?.name);
  const ratio = latency.teacher && latency.student ? latency.teacher / latency.student : null;
  const ms = (v: number | undefined) => (v === undefined ? '—' : `${fmt.fixed(v, v >= 10 ? 0 : 1)} ms`);
  return (
    <div className="speed" data-testid="speed">
      <dl>
        <div>
          <dt>{t('speed.training')}</dt>
          <dd>{speed ? t('run.stepsPerSec', { value: fmt.fixed(speed.stepsPerSec, 1) }) : '—'}</dd>
        </div>
        <div>
          <dt>{t('speed.tokens')}</dt>
          <dd>{speed ? t('speed.tokensPerSec', { value: fmt.compact(Math.round(speed.tokensPerSec)) }) : '—'}</dd>
        </div>
        <div>
          <dt>{t('speed.teacherLatency')}</dt>
          <dd>{ms(latency.teacher)}</dd>
        </div>
        <div>
          <dt>{t('speed.studentLatency')}</dt>
          <dd>
            {ms(latency.student)}
            {ratio ? (
              <span className="muted small">
                {' '}
                (
                {ratio >= 1
                  ? t('speed.faster', { value: fmt.fixed(ratio, 1) })
                  : t('speed.slower', { value: fmt.fixed(1 / ratio, 1) })}
                )
              </span>
            ) : null}
          </dd>
        </div>
      </dl>
      <p className="muted small">{backend ? t('speed.noteOn', { backend }) : t('speed.note')}</p>
    </div>
  );
}
