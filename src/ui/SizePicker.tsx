import { useId, useState } from 'react';
import { PRESET_NAMES, PRESETS, SIZE_BOUNDS, resolveSize, sizeSpec, validateSize, type ModelSize, type SizeSpec } from '../config';
import { compact, mb } from './format';
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

export function SizePicker({ role, value, stats, onChange }: Props) {
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
      <legend>{role}</legend>
      <label htmlFor={id} className="sr-only">
        {role} size
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
        <option value="custom">custom…</option>
      </select>
      {custom ? (
        <div className="custom-size">
          {(
            [
              ['nLayer', 'Layers'],
              ['nHead', 'Heads'],
              ['nEmbd', 'Width'],
            ] as const
          ).map(([key, label]) => (
            <label key={key}>
              <span className="small">{label}</span>
              <input
                type="number"
                min={SIZE_BOUNDS[key].min}
                max={SIZE_BOUNDS[key].max}
                value={Number.isFinite(draft[key]) ? draft[key] : ''}
                aria-label={`${role} ${label.toLowerCase()}`}
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
          <>
            <strong>{compact(stats.params)}</strong> parameters · {mb(stats.params)} at fp32
          </>
        ) : (
          '—'
        )}
      </p>
    </fieldset>
  );
}
