import { useId } from 'react';
import type { RunConfig } from '../config';
import type { TKey } from '../i18n/catalog';
import { RUN_NUMERIC_KEYS, RUN_SETTINGS, type RunNumericKey } from '../settings';
import { useApp, useController } from './context';
import { useT } from './i18n';

/** The run settings of the table (src/settings.ts) this panel shows: all but the teacher's steps (in the models panel). */
const FIELDS: RunNumericKey[] = RUN_NUMERIC_KEYS.filter((k) => k !== 'teacherSteps');

function NumberField({ k, config }: { k: RunNumericKey; config: RunConfig }) {
  const c = useController();
  const { t } = useT();
  const id = useId();
  const f = RUN_SETTINGS[k];
  return (
    <div className="field">
      <label htmlFor={id}>{t(f.label as TKey)}</label>
      <input
        id={id}
        type="number"
        min={f.min}
        max={f.max}
        step={f.step}
        value={config[k]}
        title={f.hint ? t(f.hint as TKey) : undefined}
        onChange={(e) => {
          const v = e.target.valueAsNumber;
          if (Number.isFinite(v) && v >= f.min && v <= f.max && (!f.integer || Number.isInteger(v)))
            c.setConfig({ ...config, [k]: v });
        }}
      />
    </div>
  );
}

/** The rest of the run's settings: they apply at the next Start. */
export function SettingsPanel() {
  const { t } = useT();
  const config = useApp((s) => s.config);
  return (
    <details className="card settings">
      <summary>{t('settings.more')}</summary>
      <p className="muted small">{t('settings.moreNote')}</p>
      <div className="fields">
        {FIELDS.map((k) => (
          <NumberField key={k} k={k} config={config} />
        ))}
      </div>
    </details>
  );
}
