import { runStatus } from '../client/state';
import { useApp, useController } from './context';

export function ExportPanel() {
  const c = useController();
  // Booleans, not the run: this panel re-renders when they flip, not at every streamed step.
  const hasStudent = useApp((s) => s.run.distillStep > 0 || s.run.phase === 'distill' || runStatus(s.run) === 'done');
  const hasCurves = useApp((s) => s.run.history.length > 0);
  const hasMetrics = useApp((s) => s.run.evals.length > 0);
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
