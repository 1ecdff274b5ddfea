// The run in words (src/ui/summary.ts): after the first validation a short interim reading, at the
// end the summary on the test split, with the warnings that keep noise from reading as a result.

import { runTaskInfo } from '../client/state';
import { useApp } from './context';
import { Tr, useT } from './i18n';
import { modelStats } from './modelStats';
import { summarize } from './summary';

export function RunSummary() {
  const { t, fmt } = useT();
  const test = useApp((s) => s.run.test);
  const latestVal = useApp((s) => s.run.latestVal);
  const info = useApp(runTaskInfo);
  const config = useApp((s) => s.config);
  const report = test ?? (latestVal && latestVal.phase === 'distill' && latestVal.step > 0 ? latestVal : null);
  if (!report || !info) return null;
  const teacher = modelStats(config.teacher, info.vocabSize, info.seqLen);
  const student = modelStats(config.student, info.vocabSize, info.seqLen);
  const s = summarize(
    {
      report,
      final: report.split === 'test',
      task: info.id,
      kind: info.kind,
      classes: info.classes?.length ?? null,
      hyper: config.hyper,
      teacherParams: teacher?.params ?? null,
      studentParams: student?.params ?? null,
    },
    fmt,
  );
  if (!s) return null;
  return (
    <section
      className={`card run-summary verdict-${s.verdict}`}
      aria-label={t('insight.summary.aria')}
      data-testid="run-summary"
      data-verdict={s.verdict}
      data-final={report.split === 'test'}
    >
      <h2>{t('insight.summary.title')}</h2>
      {s.lines.map((l, i) => (
        <p key={i} className={i === 0 ? 'muted small' : undefined}>
          <Tr k={l.key} values={l.values} />
        </p>
      ))}
      {s.warnings.length ? (
        <ul className="summary-warnings" data-testid="run-warnings">
          {s.warnings.map((w) => (
            <li key={w.key} className="notice small">
              <Tr k={w.key} values={w.values} />
            </li>
          ))}
        </ul>
      ) : null}
      {report.split === 'test' ? (
        <p className="small next">
          <Tr k={s.next.key} values={s.next.values} />
        </p>
      ) : null}
    </section>
  );
}
