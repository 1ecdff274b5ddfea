import type { TKey } from '../../i18n/catalog';
import { MODEL_ROLES, type EvalReport, type Metrics } from '../../worker/protocol';
import { num, pct } from '../format';
import { useT } from '../i18n';
import { roleLabel } from '../roles';

interface Column {
  id: string;
  title: TKey;
  hint: TKey;
  value(m: Metrics): string;
  show(r: EvalReport, kind: 'classification' | 'generation', truth: boolean): boolean;
}

const COLUMNS: Column[] = [
  {
    id: 'accuracy',
    title: 'metrics.col.accuracy',
    hint: 'metrics.col.accuracyHint',
    value: (m) => pct(m.accuracy),
    show: () => true,
  },
  {
    id: 'macroF1',
    title: 'metrics.col.macroF1',
    hint: 'metrics.col.macroF1Hint',
    value: (m) => num(m.macroF1),
    show: (_, k) => k === 'classification',
  },
  { id: 'nll', title: 'metrics.col.nll', hint: 'metrics.col.nllHint', value: (m) => num(m.nll), show: () => true },
  {
    id: 'perplexity',
    title: 'metrics.col.perplexity',
    hint: 'metrics.col.perplexityHint',
    value: (m) => num(m.perplexity),
    show: (_, k) => k === 'generation',
  },
  { id: 'ece', title: 'metrics.col.ece', hint: 'metrics.col.eceHint', value: (m) => num(m.ece, 2), show: () => true },
  {
    id: 'agreement',
    title: 'metrics.col.agreement',
    hint: 'metrics.col.agreementHint',
    value: (m) => pct(m.agreement),
    show: () => true,
  },
  {
    id: 'klTeacher',
    title: 'metrics.col.klTeacher',
    hint: 'metrics.col.klTeacherHint',
    value: (m) => num(m.klToTeacher),
    show: () => true,
  },
  {
    id: 'klTruth',
    title: 'metrics.col.klTruth',
    hint: 'metrics.col.klTruthHint',
    value: (m) => num(m.klToTruth),
    show: (_, __, t) => t,
  },
];

export function MetricsTable({
  report,
  kind,
  knowsTruth,
}: {
  report: EvalReport;
  kind: 'classification' | 'generation';
  knowsTruth: boolean;
}) {
  const { t } = useT();
  const cols = COLUMNS.filter((c) => c.show(report, kind, knowsTruth));
  return (
    <div className="table-scroll">
      <table className="metrics-table">
        <thead>
          <tr>
            <th scope="col">{t('metrics.model')}</th>
            {cols.map((c) => (
              <th scope="col" key={c.id} title={t(c.hint)}>
                {t(c.title)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {MODEL_ROLES.filter((r) => report[r]).map((r) => (
            <tr key={r}>
              <th scope="row">{roleLabel(t, r)}</th>
              {cols.map((c) => (
                <td key={c.id}>{c.value(report[r]!)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
