import type { Hyper } from '../config';
import { isDefaultObjective, objectiveOf } from '../objective';
import { FORMULA, formulaTerms, formulaText } from './formula';
import { useT } from './i18n';

/** The objective with the live values; dimmed terms have weight zero. */
export function Formula({ hyper }: { hyper: Hyper }) {
  const { t } = useT();
  const terms = formulaTerms(hyper);
  return (
    <div className="formula" aria-label={t('knobs.loss', { formula: formulaText(hyper) })} data-testid="formula">
      {/* The general form names forward KL with T²: shown only while that is the objective, so it never
          contradicts the live line below (which writes the chosen divergence, T², ε and sparse target). */}
      {isDefaultObjective(objectiveOf(hyper)) ? <div className="formula-general small muted">{FORMULA}</div> : null}
      <div className="formula-live" aria-hidden="true">
        <span>{'L = '}</span>
        {terms.map((term, i) => (
          <span key={i} className={term.active ? 'term' : 'term off'}>
            {i > 0 ? <span className="op"> + </span> : null}
            <b>{term.weight}</b>·{term.term}
          </span>
        ))}
      </div>
    </div>
  );
}
