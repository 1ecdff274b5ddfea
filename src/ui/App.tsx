import { AccuracyChart } from './charts/AccuracyChart';
import { LossChart } from './charts/LossChart';
import { ExperimentsPanel } from './experiments/ExperimentsPanel';
import { ExportPanel } from './ExportPanel';
import { Header } from './Header';
import { Hero } from './Hero';
import { HyperPanel } from './HyperPanel';
import { useT } from './i18n';
import { Intro } from './Intro';
import { ConventionsPanel } from './lessons/ConventionsPanel';
import { GrammarLab } from './lessons/GrammarLab';
import { KlCalculator } from './lessons/KlCalculator';
import { LossLab } from './lessons/LossLab';
import { LessonsPanel } from './lessons/LessonsPanel';
import { MetricsPanel } from './metrics/MetricsPanel';
import { ModelsPanel } from './ModelsPanel';
import { PredictionsPanel } from './predictions/PredictionsPanel';
import { RunControls } from './RunControls';
import { RunsPanel } from './runs/RunsPanel';
import { RunSummary } from './RunSummary';
import { SettingsPanel } from './SettingsPanel';
import { TaskPanel } from './TaskPanel';
import { UrlWarnings } from './UrlWarnings';
import { useLeaveWarning } from './useLeaveWarning';

export function App() {
  const { t } = useT();
  useLeaveWarning();
  return (
    <div className="app">
      <Header />
      <UrlWarnings />
      <Hero />
      <Intro />
      <LessonsPanel />
      <main className="layout">
        <aside className="sidebar" aria-label={t('app.settings')}>
          <RunControls />
          <HyperPanel />
          <TaskPanel />
          <ModelsPanel />
          <SettingsPanel />
          <ExportPanel />
        </aside>
        <div className="content" id="curves">
          <RunSummary />
          <div className="charts">
            <LossChart />
            <AccuracyChart />
          </div>
          <PredictionsPanel />
          <MetricsPanel />
          <KlCalculator />
          <LossLab />
          <ConventionsPanel />
          <GrammarLab />
        </div>
      </main>
      <ExperimentsPanel />
      <RunsPanel />
      <footer className="muted small">{t('app.footer')}</footer>
    </div>
  );
}
