import { outcomesToShow, soften } from '../../client/soften';
import type { ModelRole, PredictionResult } from '../../worker/protocol';
import { ROLE_COLOR } from '../colors';
import { pct } from '../format';

type Series = { role: ModelRole | 'truth'; probs: number[] };

/** The distributions drawn at one temperature: each model re-softened from its logits, and the truth. */
export function distributions(result: PredictionResult, temperature: number): Series[] {
  const out: Series[] = [];
  for (const role of ['teacher', 'student', 'baseline'] as const) {
    const p = result[role];
    if (p) out.push({ role, probs: soften(p.logits, temperature) });
  }
  if (result.truth) out.push({ role: 'truth', probs: result.truth });
  return out;
}

function Column({ title, series, shown, labels }: { title: string; series: Series[]; shown: number[]; labels: string[] }) {
  return (
    <div className="prob-col">
      <h3>{title}</h3>
      {shown.map((i) => (
        <div className="prob-row" key={i}>
          <span className="prob-label" title={labels[i]}>
            {labels[i]}
          </span>
          <div className="bars">
            {series.map((s) => (
              <div className={`bar bar-${s.role}`} key={s.role}>
                <div className="bar-fill" style={{ width: `${Math.max(0, Math.min(1, s.probs[i] ?? 0)) * 100}%`, background: ROLE_COLOR[s.role] }} />
                <span className="bar-val">
                  <span className="sr-only">{s.role} </span>
                  {pct(s.probs[i] ?? 0)}
                </span>
              </div>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}

export function ProbabilityBars({ result, temperature }: { result: PredictionResult; temperature: number }) {
  const at1 = distributions(result, 1);
  const atT = distributions(result, temperature);
  const shown = outcomesToShow(at1.map((s) => s.probs), result.labels.length, 10);
  const top = (s: Series) => {
    let best = 0;
    s.probs.forEach((p, i) => (p > s.probs[best] ? (best = i) : 0));
    return `${result.labels[best]} (${pct(s.probs[best])})`;
  };
  return (
    <div className="prob-bars">
      <ul className="legend small" aria-label="Top prediction of each model">
        {at1.map((s) => (
          <li key={s.role}>
            <span className="swatch" style={{ background: ROLE_COLOR[s.role] }} aria-hidden="true" />
            <b>{s.role === 'truth' ? 'true distribution' : s.role === 'student' ? 'distilled student' : s.role}</b>: {top(s)}
          </li>
        ))}
      </ul>
      {result.labels.length > shown.length ? (
        <p className="muted small">
          Showing the {shown.length} most likely of {result.labels.length} {result.kind === 'classification' ? 'classes' : 'next tokens'}.
        </p>
      ) : null}
      <div className="prob-grid">
        <Column title="At T = 1 (what the model predicts)" series={at1} shown={shown} labels={result.labels} />
        <Column title={`At T = ${temperature.toFixed(1)} (what the student is taught)`} series={atT} shown={shown} labels={result.labels} />
      </div>
    </div>
  );
}
