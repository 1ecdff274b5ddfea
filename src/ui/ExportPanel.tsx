import { runStatus } from '../client/state';
import { useApp, useController } from './context';

export function ExportPanel() {
  const c = useController();
  const run = useApp((s) => s.run);
  const status = runStatus(run);
  const hasStudent = run.distillStep > 0 || run.phase === 'distill' || status === 'done';
  const hasCurves = run.history.length > 0;
  const hasMetrics = run.evals.length > 0;
  return (
    <section className="card export-card" aria-label="Export">
      <h2>Export</h2>
      <p className="muted small">Models as safetensors + config.json in nanoGPT’s format; curves and metrics as CSV or JSON.</p>
      <div className="button-grid">
        <button type="button" onClick={() => c.exportModel('student')} disabled={!hasStudent}>
          Student model
        </button>
        <button type="button" onClick={() => c.exportModel('baseline')} disabled={!hasStudent}>
          Baseline model
        </button>
        <button type="button" onClick={() => c.exportCurves('csv')} disabled={!hasCurves}>
          Curves CSV
        </button>
        <button type="button" onClick={() => c.exportCurves('json')} disabled={!hasCurves}>
          Curves JSON
        </button>
        <button type="button" onClick={() => c.exportMetrics('csv')} disabled={!hasMetrics}>
          Metrics CSV
        </button>
        <button type="button" onClick={() => c.exportMetrics('json')} disabled={!hasMetrics}>
          Metrics JSON
        </button>
      </div>
    </section>
  );
}
