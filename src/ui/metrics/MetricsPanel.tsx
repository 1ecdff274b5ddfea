import { MODEL_ROLES } from '../../worker/protocol';
import { ROLE_COLOR } from '../colors';
import { useApp } from '../context';
import { ConfusionMatrix } from './ConfusionMatrix';
import { MetricsTable } from './MetricsTable';
import { ReliabilityChart } from './ReliabilityChart';
import { SpeedReadout } from './SpeedReadout';

export function MetricsPanel() {
  const test = useApp((s) => s.run.test);
  const latestVal = useApp((s) => s.run.latestVal);
  const info = useApp((s) => s.task.info);
  const report = test ?? latestVal;
  const kind = info?.kind ?? 'classification';
  return (
    <section className="card metrics" aria-label="Metrics" data-testid="metrics">
      <div className="card-head">
        <h2>Metrics</h2>
        <span className="muted small">{report ? `${report.split === 'test' ? 'test split, final' : 'validation'} · step ${report.step}` : ''}</span>
      </div>
      {report ? (
        <>
          <MetricsTable report={report} kind={kind} knowsTruth={info?.knowsTruth ?? false} />
          <div className="metrics-figures">
            {kind === 'classification' && info?.classes
              ? MODEL_ROLES.filter((r) => report[r]?.confusion).map((r) => (
                  <ConfusionMatrix key={r} title={r === 'student' ? 'distilled student' : r} confusion={report[r]!.confusion!} classes={info.classes!} color={ROLE_COLOR[r]} />
                ))
              : null}
            <ReliabilityChart report={report} />
          </div>
        </>
      ) : (
        <p className="placeholder">Accuracy, macro-F1, confusion matrices, agreement with the teacher, KL and calibration appear after the first validation.</p>
      )}
      <h3>Speed</h3>
      <SpeedReadout />
    </section>
  );
}
