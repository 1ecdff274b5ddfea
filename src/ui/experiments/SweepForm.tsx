// What a sweep varies: the T values and α values of the grid, the seeds, the controls and the
// student sizes (more than one: the capacity ladder), and how long it trains. Checkbox groups in
// fieldsets, so every choice is a native, keyboard-operable control with a name.

import type { SizeSpec } from '../../config';
import { SWEEP_CONTROLS, type SweepControl } from '../../sweepConfig';
import type { TKey } from '../../i18n/catalog';
import { SWEEP_CHOICES, type SweepForm as Form } from '../../client/sweepState';
import { useT } from '../i18n';
import { useSweep, useSweepController } from './context';

const CONTROL_KEY: Record<SweepControl, TKey> = {
  'random-teacher': 'experiments.control.random',
  permuted: 'experiments.control.permuted',
  'label-smoothing': 'experiments.control.smoothing',
  'temperature-scaling': 'experiments.control.scaling',
};

function toggle<T>(xs: readonly T[], x: T): T[] {
  return xs.includes(x) ? xs.filter((v) => v !== x) : [...xs, x];
}

function Choices<T extends number | string>({
  legend,
  name,
  options,
  chosen,
  label,
  onChange,
  disabled,
}: {
  legend: string;
  name: string;
  options: readonly T[];
  chosen: readonly T[];
  label: (v: T) => string;
  onChange: (v: T[]) => void;
  disabled: boolean;
}) {
  return (
    <fieldset className="sweep-choices" disabled={disabled}>
      <legend className="small">{legend}</legend>
      {options.map((v) => (
        <label key={String(v)} className="small">
          <input
            type="checkbox"
            name={name}
            checked={chosen.includes(v)}
            onChange={() => onChange(toggle(chosen, v))}
          />{' '}
          {label(v)}
        </label>
      ))}
    </fieldset>
  );
}

const union = <T,>(a: readonly T[], b: readonly T[]) => [...a, ...b.filter((x) => !a.includes(x))];

export function SweepForm({ disabled }: { disabled: boolean }) {
  const { t, fmt } = useT();
  const c = useSweepController();
  const form = useSweep((s) => s.form);
  const set = (patch: Partial<Form>) => c.setForm(patch);
  const num = (v: number) => fmt.num(v);
  return (
    <div className="sweep-form" data-testid="sweep-form">
      <Choices
        legend={t('experiments.form.temperatures')}
        name="sweep-t"
        options={union(SWEEP_CHOICES.temperatures, form.temperatures)}
        chosen={form.temperatures}
        label={(v) => `T = ${num(v)}`}
        onChange={(v) => set({ temperatures: v })}
        disabled={disabled}
      />
      <Choices
        legend={t('experiments.form.alphas')}
        name="sweep-alpha"
        options={union(SWEEP_CHOICES.alphas, form.alphas)}
        chosen={form.alphas}
        label={(v) => `α = ${num(v)}`}
        onChange={(v) => set({ alphas: v })}
        disabled={disabled}
      />
      <Choices
        legend={t('experiments.form.seeds')}
        name="sweep-seed"
        options={union(SWEEP_CHOICES.seeds, form.seeds)}
        chosen={form.seeds}
        label={(v) => String(v)}
        onChange={(v) => set({ seeds: v })}
        disabled={disabled}
      />
      <Choices<SweepControl>
        legend={t('experiments.form.controls')}
        name="sweep-control"
        options={SWEEP_CONTROLS}
        chosen={form.controls}
        label={(v) => t(CONTROL_KEY[v])}
        onChange={(v) => set({ controls: v })}
        disabled={disabled}
      />
      <Choices<SizeSpec>
        legend={t('experiments.form.students')}
        name="sweep-student"
        options={union(SWEEP_CHOICES.students, form.students)}
        chosen={form.students}
        label={(v) => v}
        onChange={(v) => set({ students: v })}
        disabled={disabled}
      />
      <fieldset className="sweep-choices" disabled={disabled}>
        <legend className="small">{t('experiments.form.length')}</legend>
        <label className="small">
          {t('experiments.form.steps')}{' '}
          <input
            type="number"
            min={1}
            step={50}
            value={form.steps}
            onChange={(e) => set({ steps: Math.max(1, Math.round(Number(e.target.value) || 1)) })}
          />
        </label>
        <label className="small">
          {t('experiments.form.evalEvery')}{' '}
          <input
            type="number"
            min={1}
            step={10}
            value={form.evalEvery}
            onChange={(e) => set({ evalEvery: Math.max(1, Math.round(Number(e.target.value) || 1)) })}
          />
        </label>
      </fieldset>
    </div>
  );
}
