import { useId } from 'react';
import type { RunConfig } from '../config';
import { useApp, useController } from './context';

type NumericKey = 'seed' | 'steps' | 'labelled' | 'transfer' | 'evalEvery' | 'warmupSteps' | 'patience' | 'weightDecay' | 'clipNorm';

const FIELDS: { key: NumericKey; label: string; min: number; max: number; step: number; integer: boolean }[] = [
  { key: 'steps', label: 'Distillation steps', min: 0, max: 1_000_000, step: 50, integer: true },
  { key: 'seed', label: 'Seed', min: 0, max: 2 ** 31 - 1, step: 1, integer: true },
  { key: 'labelled', label: 'Labelled examples (student)', min: 1, max: 1_000_000, step: 50, integer: true },
  { key: 'transfer', label: 'Unlabelled transfer examples', min: 0, max: 1_000_000, step: 100, integer: true },
  { key: 'evalEvery', label: 'Validate every (steps)', min: 1, max: 1_000_000, step: 10, integer: true },
  { key: 'warmupSteps', label: 'Warm-up steps', min: 0, max: 1_000_000, step: 10, integer: true },
  { key: 'patience', label: 'Early-stopping patience (0 = off)', min: 0, max: 1000, step: 1, integer: true },
  { key: 'weightDecay', label: 'Weight decay', min: 0, max: 1, step: 0.01, integer: false },
  { key: 'clipNorm', label: 'Gradient clip norm (0 = off)', min: 0, max: 1000, step: 0.1, integer: false },
];

function NumberField({ f, config }: { f: (typeof FIELDS)[number]; config: RunConfig }) {
  const c = useController();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{f.label}</label>
      <input
        id={id}
        type="number"
        min={f.min}
        max={f.max}
        step={f.step}
        value={config[f.key]}
        onChange={(e) => {
          const v = e.target.valueAsNumber;
          if (Number.isFinite(v) && v >= f.min && v <= f.max && (!f.integer || Number.isInteger(v))) c.setConfig({ ...config, [f.key]: v });
        }}
      />
    </div>
  );
}

/** The rest of the run's settings: they apply at the next Start. */
export function SettingsPanel() {
  const config = useApp((s) => s.config);
  return (
    <details className="card settings">
      <summary>More settings</summary>
      <p className="muted small">These apply at the next Start. All of them are in the URL.</p>
      <div className="fields">
        {FIELDS.map((f) => (
          <NumberField key={f.key} f={f} config={config} />
        ))}
      </div>
    </details>
  );
}
