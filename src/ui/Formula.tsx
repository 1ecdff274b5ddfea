import type { Hyper } from '../config';
import { FORMULA, formulaTerms, formulaText } from './formula';

/** The objective with the live values; dimmed terms have weight zero. */
export function Formula({ hyper }: { hyper: Hyper }) {
  const terms = formulaTerms(hyper);
  return (
    <div className="formula" aria-label={`Loss: ${formulaText(hyper)}`} data-testid="formula">
      <div className="formula-general small muted">{FORMULA}</div>
      <div className="formula-live" aria-hidden="true">
        <span>{'L = '}</span>
        {terms.map((t, i) => (
          <span key={i} className={t.active ? 'term' : 'term off'}>
            {i > 0 ? <span className="op"> + </span> : null}
            <b>{t.weight}</b>·{t.term}
          </span>
        ))}
      </div>
    </div>
  );
}
