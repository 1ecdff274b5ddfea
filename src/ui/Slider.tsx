import { useId } from 'react';

interface Props {
  label: string;
  hint?: string;
  min: number;
  max: number;
  step: number;
  value: number;
  /** The value as shown next to the label. */
  display: string;
  /** The value as a screen reader says it (aria-valuetext); `display` when absent. The control's own number may be a log of it. */
  valueText?: string;
  onChange(v: number): void;
}

/** A native range input with a visible label (its accessible name), the live value and a hint. */
export function Slider({ label, hint, min, max, step, value, display, valueText, onChange }: Props) {
  const id = useId();
  return (
    <div className="slider">
      <div className="slider-head">
        <label htmlFor={id}>{label}</label>
        <output htmlFor={id} className="slider-value">
          {display}
        </output>
      </div>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        aria-valuetext={valueText ?? display}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.valueAsNumber)}
      />
      {hint ? (
        <p id={`${id}-hint`} className="hint small">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
