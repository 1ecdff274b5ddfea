import { Fragment } from 'react';
import type { StoredRecord } from '../../client/runRecord';
import { useT } from '../i18n';
import { metricRows } from './compare';
import { formatDelta, formatMetric, metricLabel, scaleOfMetric } from './labels';
import { runName } from './runColors';

/** Every metric of the selected runs side by side; after each run but the first, its difference from the first. */
export function CompareMetrics({ records }: { records: readonly StoredRecord[] }) {
  const { t, fmt } = useT();
  const rows = metricRows(records);
  return (
    <div className="table-scroll">
      <table className="metrics-table runs-metrics" data-testid="compare-metrics">
        <caption className="small muted">{t('runs.metrics.caption', { first: runName(records[0].title, 0) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('runs.metrics.metric')}</th>
            {records.map((r, i) => (
              <Fragment key={r.id}>
                <th scope="col">{runName(r.title, i)}</th>
                {i > 0 ? <th scope="col">{t('runs.metrics.delta')}</th> : null}
              </Fragment>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const scale = scaleOfMetric(row.name);
            return (
              <tr key={row.name}>
                <th scope="row">{metricLabel(t, row.name)}</th>
                {row.values.map((v, i) => (
                  <Fragment key={records[i].id}>
                    <td>{formatMetric(fmt, scale, v)}</td>
                    {i > 0 ? <td className="delta">{formatDelta(fmt, scale, row.deltas[i])}</td> : null}
                  </Fragment>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
