import { useEffect, useRef } from 'react';
import { KEY_METRICS, keyMetric, type KeyMetricName } from '../../client/runNames';
import type { StoredRecord } from '../../client/runRecord';
import type { TKey } from '../../i18n/catalog';
import { useT, type Format, type TFn } from '../i18n';
import { formatMetric, taskLabel } from './labels';

const KEY_COL: Record<KeyMetricName, TKey> = {
  student: 'runs.col.student',
  baseline: 'runs.col.baseline',
  gain: 'runs.col.gain',
};

interface Props {
  records: readonly StoredRecord[];
  selected: readonly string[];
  onToggle(id: string): void;
  onToggleAll(): void;
  onOpen(record: StoredRecord): void;
}

function status(t: TFn, r: StoredRecord): string {
  switch (r.kind) {
    case 'run': {
      const end = r.end.kind === 'done' ? t('runs.end.done') : t('runs.end.stopped', { step: String(r.end.step) });
      // Slider moves are not in the URL: say so, or Open would seem to reproduce a different run.
      const changes = r.marks.map((m) => `${m.label} @${m.step}`).join(', ');
      return r.marks.length ? `${end}; ${t('runs.end.marks', { changes })}` : end;
    }
    case 'sweep':
      return '';
    default: {
      const never: never = r;
      return never;
    }
  }
}

function KeyMetric({ r, what, fmt, t }: { r: StoredRecord; what: KeyMetricName; fmt: Format; t: TFn }) {
  const m = keyMetric(r.metrics, what);
  if (!m) return <td>—</td>;
  return (
    <td>
      {formatMetric(fmt, what === 'gain' ? 'points' : 'percent', m.value)}{' '}
      <span className="muted small">{t(m.split === 'test' ? 'runs.splitTag.test' : 'runs.splitTag.val')}</span>
    </td>
  );
}

/** The kept runs, newest first, each with a checkbox (selection order is kept: the first is the comparison's reference). */
export function RunsTable({ records, selected, onToggle, onToggleAll, onOpen }: Props) {
  const { t, fmt, locale } = useT();
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const all = records.length > 0 && records.every((r) => selected.includes(r.id));
  const some = selected.length > 0 && !all;
  const allRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (allRef.current) allRef.current.indeterminate = some;
  }, [some]);
  return (
    <div className="table-scroll">
      <table className="metrics-table runs-table" data-testid="runs-table">
        <caption className="sr-only">{t('runs.tableCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">
              <input
                ref={allRef}
                type="checkbox"
                checked={all}
                onChange={onToggleAll}
                aria-label={t('runs.selectAll')}
              />
            </th>
            <th scope="col">{t('runs.col.title')}</th>
            <th scope="col">{t('runs.col.date')}</th>
            <th scope="col">{t('runs.col.task')}</th>
            <th scope="col">{t('runs.col.kind')}</th>
            {KEY_METRICS.map((k) => (
              <th scope="col" key={k}>
                {t(KEY_COL[k])}
              </th>
            ))}
            <th scope="col">{t('runs.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => {
            const when = date.format(new Date(r.createdAt));
            const order = selected.indexOf(r.id);
            return (
              <tr key={r.id} data-testid="runs-row" data-run-id={r.id} className={order >= 0 ? 'selected' : undefined}>
                <td>
                  <input
                    type="checkbox"
                    checked={order >= 0}
                    onChange={() => onToggle(r.id)}
                    aria-label={t('runs.select', { title: `${r.title}, ${when}` })}
                  />
                  {order >= 0 ? <span className="muted small"> {order + 1}</span> : null}
                </td>
                <th scope="row">
                  <span className="run-title">{r.title}</span>
                  <br />
                  <span className="muted small">{status(t, r)}</span>
                </th>
                <td>{when}</td>
                <td>{taskLabel(t, r.url)}</td>
                <td>{t(r.kind === 'run' ? 'runs.kind.run' : 'runs.kind.sweep')}</td>
                {KEY_METRICS.map((k) => (
                  <KeyMetric key={k} r={r} what={k} fmt={fmt} t={t} />
                ))}
                <td>
                  <button
                    type="button"
                    onClick={() => onOpen(r)}
                    title={t('runs.openHint')}
                    aria-label={t('runs.openNamed', { title: `${r.title}, ${when}` })}
                  >
                    {t('runs.open')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
