import { runTaskInfo } from '../../client/state';
import { MODEL_ROLES } from '../../worker/protocol';
import { usePalette } from '../colors';
import { useApp } from '../context';
import { useT } from '../i18n';
import { roleLabel } from '../roles';
import { ConfusionMatrix } from './ConfusionMatrix';
import { MetricsTable } from './MetricsTable';
import { ReliabilityChart } from './ReliabilityChart';
import { SpeedReadout } from './SpeedReadout';

export function MetricsPanel() {
  const { t } = useT();
  const pal = usePalette();
  const test = useApp((s) => s.run.test);
  const latestVal = useApp((s) => s.run.latestVal);
  const info = useApp(runTaskInfo);
  const report = test ?? latestVal;
  const kind = info?.kind ?? 'classification';
  return (
    <section className="card metrics" aria-label={t('metrics.aria')} data-testid="metrics">
      <div className="card-head">
        <h2>{t('metrics.title')}</h2>
        <span className="muted small">
          {report ? t(report.split === 'test' ? 'metrics.testFinal' : 'metrics.validation', { step: report.step }) : ''}
        </span>
      </div>
      {report ? (
        <>
          <MetricsTable report={report} kind={kind} knowsTruth={info?.knowsTruth ?? false} />
          <div className="metrics-figures">
            {kind === 'classification' && info?.classes
              ? MODEL_ROLES.filter((r) => report[r]?.confusion).map((r) => (
                  <ConfusionMatrix
                    key={r}
                    title={roleLabel(t, r)}
                    confusion={report[r]!.confusion!}
                    classes={info.classes!}
                    color={pal.role[r]}
                    card={pal.card}
                  />
                ))
              : null}
            <ReliabilityChart report={report} />
          </div>
        </>
      ) : (
        <p className="placeholder">{t('metrics.placeholder')}</p>
      )}
      <h3>{t('metrics.speed')}</h3>
      <SpeedReadout />
    </section>
  );
}
