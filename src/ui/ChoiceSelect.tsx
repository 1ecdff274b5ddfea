import { useId } from 'react';

interface Props {
  label: string;
  hint?: string;
  /** The choices' names as shown, in index order. */
  options: readonly string[];
  value: number;
  onChange(index: number): void;
}

/** A native select for a categorical setting (keyboard accessible as is), laid out like a Slider. */
export function ChoiceSelect({ label, hint, options, value, onChange }: Props) {
  const id = useId();
  return (
    <div className="slider">
      <div className="slider-head">
        <label htmlFor={id}>{label}</label>
      </div>
      <select
        id={id}
        value={value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(Number(e.target.value))}
      >
        {options.map((name, i) => (
          <option key={i} value={i}>
            {name}
          </option>
        ))}
      </select>
      {hint ? (
        <p id={`${id}-hint`} className="hint small">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
