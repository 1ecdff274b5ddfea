import type { StoredRecord } from '../../client/runRecord';
import { useT } from '../i18n';
import { CompareChart } from './CompareChart';
import { CompareMetrics } from './CompareMetrics';

const ACCURACY_FIRST = ['distill.val_accuracy.student', 'teacher.val_accuracy.teacher'];
const LOSS_FIRST = ['distill.loss.total', 'teacher.loss.total'];

/** Two or more records: their curves overlaid (accuracy, loss) and their metrics with differences. */
export function RunsCompare({ records }: { records: readonly StoredRecord[] }) {
  const { t } = useT();
  return (
    <section
      className="runs-compare"
      aria-label={t('runs.compareTitle', { count: records.length })}
      data-testid="runs-compare"
    >
      <h3>{t('runs.compareTitle', { count: records.length })}</h3>
      <div className="charts">
        <CompareChart
          records={records}
          title="runs.chart.accuracy"
          scales={['percent', 'points']}
          preferred={ACCURACY_FIRST}
        />
        <CompareChart records={records} title="runs.chart.loss" scales={['nats']} preferred={LOSS_FIRST} />
      </div>
      <CompareMetrics records={records} />
    </section>
  );
}
