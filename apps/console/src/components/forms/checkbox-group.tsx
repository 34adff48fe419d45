import type { ReactNode, Ref } from 'react';
import styles from './checkbox-group.module.css';

export interface CheckboxOption<Value extends string> {
  value: Value;
  label: ReactNode;
  description: ReactNode;
  checked: boolean;
  disabled?: boolean;
}

interface CheckboxGroupProps<Value extends string> {
  legend: string;
  /** A line under the legend. */
  hint?: ReactNode;
  /** The inputs' name. */
  name: string;
  /** Each option's id is `${idPrefix}-${value}`. */
  idPrefix: string;
  options: ReadonlyArray<CheckboxOption<Value>>;
  onToggle(value: Value, on: boolean): void;
  error?: string;
  /** The error's id (the fieldset is described by it). */
  errorId: string;
  /** The first checkbox, to move the focus to when the group's value is refused. */
  firstRef?: Ref<HTMLInputElement>;
  /** Options side by side in columns rather than one under the other. */
  columns?: boolean;
}

/** Checkboxes under a legend, each labelled and described, with the group's error under them. */
export function CheckboxGroup<Value extends string>({ legend, hint, name, idPrefix, options, onToggle, error, errorId, firstRef, columns = false }: CheckboxGroupProps<Value>) {
  const describedBy = error ? errorId : undefined;
  return (
    <fieldset className={`radio-group${error ? ' field--invalid' : ''}`} aria-describedby={describedBy}>
      <legend>{legend}</legend>
      {hint ? <p className="field__hint">{hint}</p> : null}
      <div className={columns ? styles.grid : undefined}>
        {options.map((option, index) => {
          const id = `${idPrefix}-${option.value}`;
          return (
            <div key={option.value} className={`checkbox ${styles.option}`}>
              <input
                ref={index === 0 ? firstRef : undefined}
                id={id}
                type="checkbox"
                name={name}
                value={option.value}
                checked={option.checked}
                disabled={option.disabled}
                aria-describedby={`${id}-description`}
                aria-invalid={Boolean(error)}
                onChange={(e) => onToggle(option.value, e.target.checked)}
              />
              <div>
                <label htmlFor={id} className={styles.label}>
                  {option.label}
                </label>
                <p id={`${id}-description`} className="field__hint">
                  {option.description}
                </p>
              </div>
            </div>
          );
        })}
      </div>
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** `set` with `value` in it (`on`) or not: a new set, for a checkbox group's state. */
export function toggled<Value>(set: ReadonlySet<Value>, value: Value, on: boolean): ReadonlySet<Value> {
  const next = new Set(set);
  if (on) next.add(value);
  else next.delete(value);
  return next;
}
