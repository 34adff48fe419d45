import { useId } from 'react';

/** One choice of a {@link RadioGroup}: its value, its label, and what choosing it means. */
export interface RadioOption<Value extends string> {
  value: Value;
  label: string;
  hint: string;
}

interface RadioGroupProps<Value extends string> {
  legend: string;
  name: string;
  value: Value;
  onChange(value: NoInfer<Value>): void;
  options: ReadonlyArray<RadioOption<Value>>;
}

/** A fieldset of radio buttons, each labelled with its choice and, in muted text, what it means. */
export function RadioGroup<Value extends string>({ legend, name, value, onChange, options }: RadioGroupProps<Value>) {
  const id = useId();
  return (
    <fieldset className="radio-group">
      <legend>{legend}</legend>
      {options.map((option) => (
        <div className="radio" key={option.value}>
          <input
            id={`${id}-${option.value}`}
            type="radio"
            name={name}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
          <label htmlFor={`${id}-${option.value}`}>
            {option.label} <span className="muted">— {option.hint}</span>
          </label>
        </div>
      ))}
    </fieldset>
  );
}
