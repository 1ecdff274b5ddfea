import { outcomesToShow, soften } from '../../client/soften';
import type { ModelRole, PredictionResult } from '../../worker/protocol';
import { usePalette } from '../colors';
import { useT } from '../i18n';
import { roleLabel, roleShort } from '../roles';

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

function Column({
  title,
  series,
  shown,
  labels,
}: {
  title: string;
  series: Series[];
  shown: number[];
  labels: string[];
}) {
  const { t, fmt } = useT();
  const pal = usePalette();
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
                {/* The value sits beside its bar, never over it. */}
                <div className="bar-track" aria-hidden="true">
                  <div
                    className="bar-fill"
                    style={{
                      width: `${Math.max(0, Math.min(1, s.probs[i] ?? 0)) * 100}%`,
                      background: pal.role[s.role],
                    }}
                  />
                </div>
                <span className="bar-val">
                  <span className="sr-only">{roleShort(t, s.role)} </span>
                  {fmt.pct(s.probs[i] ?? 0)}
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
  const { t, fmt } = useT();
  const pal = usePalette();
  const at1 = distributions(result, 1);
  const atT = distributions(result, temperature);
  const shown = outcomesToShow(
    at1.map((s) => s.probs),
    result.labels.length,
    10,
  );
  const top = (s: Series) => {
    let best = 0;
    s.probs.forEach((p, i) => (p > s.probs[best] ? (best = i) : 0));
    return `${result.labels[best]} (${fmt.pct(s.probs[best])})`;
  };
  return (
    <div className="prob-bars">
      <ul className="legend small" aria-label={t('predictions.topAria')}>
        {at1.map((s) => (
          <li key={s.role}>
            <span className="swatch" style={{ background: pal.role[s.role] }} aria-hidden="true" />
            <b>{roleLabel(t, s.role)}</b>: {top(s)}
          </li>
        ))}
      </ul>
      {result.labels.length > shown.length ? (
        <p className="muted small">
          {t(result.kind === 'classification' ? 'predictions.showing' : 'predictions.showingTokens', {
            shown: shown.length,
            total: fmt.int(result.labels.length),
          })}
        </p>
      ) : null}
      <div className="prob-grid">
        <Column title={t('predictions.atOne')} series={at1} shown={shown} labels={result.labels} />
        <Column
          title={t('predictions.atT', { t: fmt.fixed(temperature, 1) })}
          series={atT}
          shown={shown}
          labels={result.labels}
        />
      </div>
    </div>
  );
}
