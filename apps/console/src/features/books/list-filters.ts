import { isoToLocalInput, localInputToIso } from '@/lib/format/format';

/**
 * How a list filter reads and checks its value: `choice` a select ('' = any), `email` a whole
 * address (the API matches it exactly), `codePrefix` the start of a code, `after`/`before` the two
 * ends of a time range (a `datetime-local` in the form, an ISO instant in the URL and the API).
 */
export type FilterKind = 'choice' | 'email' | 'codePrefix' | 'after' | 'before';

export interface FilterField<K extends string = string> {
  /** Its name in the URL's query string. */
  key: K;
  /** The API argument it becomes: a BAD_USER_INPUT naming it is shown on this field. */
  apiField: string;
  label: string;
  kind: FilterKind;
  /** `choice`: the options, the first one ('' ) meaning any. */
  options?: ReadonlyArray<{ value: string; label: string }>;
  placeholder?: string;
}

/** Applied filters as the URL holds them: '' for none. */
export type FilterValues<K extends string> = Record<K, string>;

/** The same codes the API accepts as a prefix (core's normaliseCode). */
const CODE_PREFIX = /^[A-Za-z0-9_-]{1,64}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The form's values for applied ones: times in the viewer's local `datetime-local` form. */
export function toDraft<K extends string>(fields: ReadonlyArray<FilterField<K>>, values: FilterValues<K>): FilterValues<K> {
  return Object.fromEntries(
    fields.map((f) => [f.key, f.kind === 'after' || f.kind === 'before' ? isoToLocalInput(values[f.key] || null) : values[f.key]]),
  ) as FilterValues<K>;
}

/**
 * Checks what the form holds before anything is asked of the API: the values to apply (trimmed,
 * times as ISO instants) or, per field, what is wrong in words.
 */
export function checkFilters<K extends string>(
  fields: ReadonlyArray<FilterField<K>>,
  draft: FilterValues<K>,
): { values: FilterValues<K>; errors: Partial<Record<K, string>> } {
  const values = {} as FilterValues<K>;
  const errors: Partial<Record<K, string>> = {};
  for (const field of fields) {
    const raw = (draft[field.key] ?? '').trim();
    values[field.key] = raw;
    if (!raw) continue;
    if (field.kind === 'email' && !EMAIL.test(raw)) errors[field.key] = 'Type a whole email address: the list matches it exactly.';
    if (field.kind === 'codePrefix' && !CODE_PREFIX.test(raw)) errors[field.key] = 'Codes have only letters, digits, “-” and “_” (at most 64).';
    if (field.kind === 'after' || field.kind === 'before') {
      const iso = localInputToIso(raw);
      if (iso) values[field.key] = iso;
      else errors[field.key] = 'Not a date and time.';
    }
  }
  const after = fields.find((f) => f.kind === 'after');
  const before = fields.find((f) => f.kind === 'before');
  if (after && before && values[after.key] && values[before.key] && !errors[after.key] && !errors[before.key]) {
    if (Date.parse(values[before.key]) <= Date.parse(values[after.key])) errors[before.key] = `Must be later than “${after.label}”.`;
  }
  return { values, errors };
}

/** True when any filter is applied. */
export function anyFilter<K extends string>(values: FilterValues<K>): boolean {
  return Object.values<string>(values).some(Boolean);
}
