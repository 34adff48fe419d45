'use client';

import { type FormEvent, useEffect, useId, useState } from 'react';
import { Button } from '@/components/controls/button';
import { Field } from '@/components/forms/field';
import { describeError } from '@/lib/errors/describe-error';
import styles from './list-filter-bar.module.css';
import { anyFilter, checkFilters, type FilterField, type FilterValues, toDraft } from './list-filters';

interface ListFilterBarProps<K extends string> {
  /** The landmark's name ("Filter coupons"). */
  label: string;
  fields: ReadonlyArray<FilterField<K>>;
  /** The filters applied now (from the URL). */
  values: FilterValues<K>;
  onApply(values: FilterValues<K>): void;
  onClear(): void;
  /** The list's error: a BAD_USER_INPUT naming one of the fields is shown on that field. */
  error?: unknown;
}

/**
 * The filters of one list, as a form: a choice applies at once, text and times with Enter or
 * "Apply filters". What cannot be valid is said on its field before anything is asked of the API;
 * what the API refuses is said on the field it names.
 */
export function ListFilterBar<K extends string>({ label, fields, values, onApply, onClear, error }: ListFilterBarProps<K>) {
  const id = useId();
  const [draft, setDraft] = useState(() => toDraft(fields, values));
  const [errors, setErrors] = useState<Partial<Record<K, string>>>({});
  // The URL changed under the form (back, forward, a link): show what is applied.
  const valuesKey = JSON.stringify(values);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `valuesKey` stands for values
  useEffect(() => {
    setDraft(toDraft(fields, values));
    setErrors({});
  }, [valuesKey]);

  const described = error ? describeError(error) : null;
  const apiField = described?.code === 'BAD_USER_INPUT' ? fields.find((f) => f.apiField === described.field) : undefined;

  const submit = (next: FilterValues<K>) => {
    const checked = checkFilters(fields, next);
    setErrors(checked.errors);
    if (Object.keys(checked.errors).length === 0) onApply(checked.values);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit(draft);
  };

  return (
    <search aria-label={label}>
      <form className={styles.filters} onSubmit={onSubmit} noValidate>
        {fields.map((field) => {
          const fieldId = `${id}-${field.key}`;
          const message = errors[field.key] ?? (apiField?.key === field.key ? described?.message : undefined);
          const set = (value: string) => {
            setDraft((d) => ({ ...d, [field.key]: value }));
            setErrors((e) => ({ ...e, [field.key]: undefined }));
          };
          return (
            <Field key={field.key} id={fieldId} label={field.label} error={message} className={styles[field.kind]}>
              {(control) =>
                field.kind === 'choice' ? (
                  <select
                    {...control}
                    value={draft[field.key]}
                    onChange={(e) => {
                      set(e.target.value);
                      submit({ ...draft, [field.key]: e.target.value });
                    }}
                  >
                    {field.options?.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    {...control}
                    type={field.kind === 'email' ? 'email' : field.kind === 'codePrefix' ? 'search' : 'datetime-local'}
                    value={draft[field.key]}
                    placeholder={field.placeholder}
                    autoComplete="off"
                    spellCheck={false}
                    onChange={(e) => set(e.target.value)}
                  />
                )
              }
            </Field>
          );
        })}
        <div className={styles.actions}>
          <Button type="submit" size="small">
            Apply filters
          </Button>
          {anyFilter(values) ? (
            <Button variant="ghost" size="small" onClick={onClear}>
              Clear filters
            </Button>
          ) : null}
        </div>
      </form>
    </search>
  );
}
