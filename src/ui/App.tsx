import { AccuracyChart } from './charts/AccuracyChart';
import { LossChart } from './charts/LossChart';
import { ExportPanel } from './ExportPanel';
import { Header } from './Header';
import { HyperPanel } from './HyperPanel';
import { Intro } from './Intro';
import { MetricsPanel } from './metrics/MetricsPanel';
import { ModelsPanel } from './ModelsPanel';
import { PredictionsPanel } from './predictions/PredictionsPanel';
import { RunControls } from './RunControls';
import { SettingsPanel } from './SettingsPanel';
import { TaskPanel } from './TaskPanel';
import { UrlWarnings } from './UrlWarnings';

export function App() {
  return (
    <div className="app">
      <Header />
      <UrlWarnings />
      <Intro />
      <main className="layout">
        <aside className="sidebar" aria-label="Settings">
          <RunControls />
          <HyperPanel />
          <TaskPanel />
          <ModelsPanel />
          <SettingsPanel />
          <ExportPanel />
        </aside>
        <div className="content">
          <div className="charts">
            <LossChart />
            <AccuracyChart />
          </div>
          <PredictionsPanel />
          <MetricsPanel />
        </div>
      </main>
      <footer className="muted small">
        Runs entirely in your browser. Loss: L = (1 − α)·CE + α·T²·KL + β·feat + γ·att + δ·rel (Hinton et al. 2015; FitNets; Attention Transfer; RKD).
      </footer>
    </div>
  );
}
