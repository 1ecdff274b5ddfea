import type { Hyper } from '../config';
import type { TKey } from '../i18n/catalog';
import { controlRange, displayValue, fromControl, HYPER_KEYS, HYPER_SETTINGS, toControl } from '../settings';
import { useApp, useController } from './context';
import { Formula } from './Formula';
import { useT } from './i18n';
import { Slider } from './Slider';

/** One slider per hyperparameter of the settings table (src/settings.ts), in its order. */
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
        const range = controlRange(m);
        return (
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
      })}
      <Formula hyper={hyper} />
    </section>
  );
}
