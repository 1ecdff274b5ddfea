import { runStatus } from '../client/state';
import { useApp, useController } from './context';
import { useT } from './i18n';

export function ExportPanel() {
  const c = useController();
  const { t } = useT();
  // Booleans, not the run: this panel re-renders when they flip, not at every streamed step.
  const hasStudent = useApp((s) => s.run.distillStep > 0 || s.run.phase === 'distill' || runStatus(s.run) === 'done');
  const hasCurves = useApp((s) => s.run.history.length > 0);
  const hasMetrics = useApp((s) => s.run.evals.length > 0);
  return (
    <section className="card export-card" aria-label={t('export.title')}>
      <h2>{t('export.title')}</h2>
      <p className="muted small">{t('export.note')}</p>
      <div className="button-grid">
        <button type="button" onClick={() => c.exportModel('student')} disabled={!hasStudent}>
          {t('export.student')}
        </button>
        <button type="button" onClick={() => c.exportModel('baseline')} disabled={!hasStudent}>
          {t('export.baseline')}
        </button>
        <button type="button" onClick={() => c.exportCurves('csv')} disabled={!hasCurves}>
          {t('export.curvesCsv')}
        </button>
        <button type="button" onClick={() => c.exportCurves('json')} disabled={!hasCurves}>
          {t('export.curvesJson')}
        </button>
        <button type="button" onClick={() => c.exportMetrics('csv')} disabled={!hasMetrics}>
          {t('export.metricsCsv')}
        </button>
        <button type="button" onClick={() => c.exportMetrics('json')} disabled={!hasMetrics}>
          {t('export.metricsJson')}
        </button>
        <button type="button" onClick={() => c.exportScript()} disabled={!hasStudent} title={t('export.scriptHint')}>
          {t('export.script')}
        </button>
      </div>
    </section>
  );
}
