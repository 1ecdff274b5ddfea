import { MODEL_ROLES, type EvalReport, type Metrics } from '../../worker/protocol';
import { num, pct } from '../format';

interface Column {
  title: string;
  hint: string;
  value(m: Metrics): string;
  show(r: EvalReport, kind: 'classification' | 'generation', truth: boolean): boolean;
}

const COLUMNS: Column[] = [
  { title: 'Accuracy', hint: 'top-1 accuracy (per token for generation)', value: (m) => pct(m.accuracy), show: () => true },
  { title: 'Macro-F1', hint: 'mean F1 over classes', value: (m) => num(m.macroF1), show: (_, k) => k === 'classification' },
  { title: 'NLL', hint: 'mean negative log-likelihood (nats)', value: (m) => num(m.nll), show: () => true },
  { title: 'Perplexity', hint: 'exp(NLL)', value: (m) => num(m.perplexity), show: (_, k) => k === 'generation' },
  { title: 'ECE', hint: 'expected calibration error', value: (m) => num(m.ece, 2), show: () => true },
  { title: 'Agreement', hint: 'top-1 agreement with the teacher', value: (m) => pct(m.agreement), show: () => true },
  { title: 'KL→teacher', hint: 'KL(teacher ‖ model) at T = 1', value: (m) => num(m.klToTeacher), show: () => true },
  { title: 'KL→truth', hint: 'KL(true distribution ‖ model)', value: (m) => num(m.klToTruth), show: (_, __, t) => t },
];

export function MetricsTable({ report, kind, knowsTruth }: { report: EvalReport; kind: 'classification' | 'generation'; knowsTruth: boolean }) {
  const cols = COLUMNS.filter((c) => c.show(report, kind, knowsTruth));
  return (
    <div className="table-scroll">
      <table className="metrics-table">
        <thead>
          <tr>
            <th scope="col">Model</th>
            {cols.map((c) => (
              <th scope="col" key={c.title} title={c.hint}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {MODEL_ROLES.filter((r) => report[r]).map((r) => (
            <tr key={r}>
              <th scope="row">{r === 'student' ? 'distilled student' : r}</th>
              {cols.map((c) => (
                <td key={c.title}>{c.value(report[r]!)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
