import { useId, useState } from 'react';
import {
  PRESET_NAMES,
  PRESETS,
  SIZE_BOUNDS,
  resolveSize,
  sizeSpec,
  validateSize,
  type ModelSize,
  type SizeSpec,
} from '../config';
import type { TKey } from '../i18n/catalog';
import { Tr, useT } from './i18n';
import type { ModelStats } from './modelStats';

interface Props {
  role: 'Teacher' | 'Student';
  value: SizeSpec;
  stats: ModelStats | null;
  onChange(spec: SizeSpec): void;
}

const presetLabel = (name: string) => {
  const p = PRESETS[name as keyof typeof PRESETS];
  return `${name} · ${p.nLayer}×${p.nHead}×${p.nEmbd}`;
};

const ROLE_KEY: Record<Props['role'], TKey> = { Teacher: 'role.Teacher', Student: 'role.Student' };
const FIELD_KEY: Record<keyof ModelSize, TKey> = {
  nLayer: 'models.layers',
  nHead: 'models.heads',
  nEmbd: 'models.width',
};

export function SizePicker({ role, value, stats, onChange }: Props) {
  const { t, fmt } = useT();
  const roleName = t(ROLE_KEY[role]);
  const id = useId();
  const isPreset = (PRESET_NAMES as string[]).includes(value);
  const [custom, setCustom] = useState<boolean>(!isPreset);
  const [draft, setDraft] = useState<ModelSize>(() => {
    try {
      return resolveSize(value);
    } catch {
      return { ...PRESETS.tiny };
    }
  });
  const errors = custom ? validateSize(draft) : [];

  const setField = (key: keyof ModelSize, v: number) => {
    const next = { ...draft, [key]: v };
    setDraft(next);
    if (validateSize(next).length === 0) onChange(sizeSpec(next));
  };

  return (
    <fieldset className="size-picker">
      <legend>{roleName}</legend>
      <label htmlFor={id} className="sr-only">
        {t('models.sizeOf', { role: roleName })}
      </label>
      <select
        id={id}
        value={custom ? 'custom' : value}
        onChange={(e) => {
          if (e.target.value === 'custom') {
            setCustom(true);
            return;
          }
          setCustom(false);
          setDraft(resolveSize(e.target.value));
          onChange(e.target.value as SizeSpec);
        }}
      >
        {PRESET_NAMES.map((n) => (
          <option key={n} value={n}>
            {presetLabel(n)}
          </option>
        ))}
        <option value="custom">{t('models.custom')}</option>
      </select>
      {custom ? (
        <div className="custom-size">
          {(['nLayer', 'nHead', 'nEmbd'] as const).map((key) => (
            <label key={key}>
              <span className="small">{t(FIELD_KEY[key])}</span>
              <input
                type="number"
                min={SIZE_BOUNDS[key].min}
                max={SIZE_BOUNDS[key].max}
                value={Number.isFinite(draft[key]) ? draft[key] : ''}
                aria-label={t('models.fieldAria', { role: roleName, field: t(FIELD_KEY[key]).toLowerCase() })}
                aria-invalid={errors.length > 0}
                onChange={(e) => setField(key, e.target.valueAsNumber)}
              />
            </label>
          ))}
        </div>
      ) : null}
      {errors.length ? (
        <ul className="field-errors">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
      <p className="stats small">
        {stats ? (
          <Tr k="models.params" values={{ params: fmt.compact(stats.params), size: fmt.mb(stats.params) }} />
        ) : (
          '—'
        )}
      </p>
    </fieldset>
  );
}
