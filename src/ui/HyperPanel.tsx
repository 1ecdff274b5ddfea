import type { Hyper } from '../config';
import type { TKey } from '../i18n/catalog';
import { controlRange, displayValue, fromControl, HYPER_KEYS, HYPER_SETTINGS, toControl } from '../settings';
import { useApp, useController } from './context';
import { Formula } from './Formula';
import { useT } from './i18n';
import { Slider } from './Slider';
import { ChoiceSelect } from './ChoiceSelect';
import { SparseTeacherNote } from './SparseTeacherNote';

/**
 * One control per hyperparameter of the settings table (src/settings.ts), in its order: a slider, or a
 * select for a choice (the objective's divergence, T², sparse teacher). The bytes and bias of a sparse
 * teacher follow its controls.
 */
export function HyperPanel() {
  const c = useController();
  const { t, locale } = useT();
  const hyper = useApp((s) => s.config.hyper);
  const set = (k: keyof Hyper) => (v: number) => {
    if (Number.isFinite(v)) c.setHyper({ ...hyper, [k]: v });
  };
  return (
    <section className="card knobs" aria-label={t('knobs.aria')}>
      <h2>{t('knobs.title')}</h2>
      <p className="muted small">{t('knobs.note')}</p>
      {HYPER_KEYS.map((k) => {
        const m = HYPER_SETTINGS[k];
        if (m.choices) {
          const select = (
            <ChoiceSelect
              key={k}
              label={t(m.label as TKey)}
              hint={m.hint ? t(m.hint as TKey) : undefined}
              options={(m.choiceLabels ?? m.choices).map((l) => (m.choiceLabels ? t(l as TKey) : l))}
              value={hyper[k]}
              onChange={set(k)}
            />
          );
          // The objective's controls start at the divergence: a heading of their own.
          return k === 'divergence' ? (
            <div key={k}>
              <h3 className="knobs-group">{t('knobs.objective')}</h3>
              {select}
            </div>
          ) : (
            select
          );
        }
        const range = controlRange(m);
        const slider = (
          <Slider
            key={k}
            label={t(m.label as TKey)}
            hint={m.hint ? t(m.hint as TKey) : undefined}
            min={range.min}
            max={range.max}
            step={range.step}
            value={toControl(m, hyper[k])}
            display={displayValue(m, hyper[k], locale)}
            valueText={
              m.display === 'exp1'
                ? new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 }).format(hyper[k])
                : displayValue(m, hyper[k], locale)
            }
            onChange={(v) => set(k)(fromControl(m, v))}
          />
        );
        // The sparse teacher's cost and bias sit under its last control, k.
        return k === 'teacherK' ? (
          <div key={k}>
            {slider}
            <SparseTeacherNote hyper={hyper} />
          </div>
        ) : (
          slider
        );
      })}
      <Formula hyper={hyper} />
    </section>
  );
}
