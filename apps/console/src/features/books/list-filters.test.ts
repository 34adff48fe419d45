import { describe, expect, it } from 'vitest';
import { isoToLocalInput } from '@/lib/format/format';
import { checkFilters, type FilterField, toDraft } from './list-filters';

type Key = 'state' | 'email' | 'code' | 'after' | 'before';
const FIELDS: FilterField<Key>[] = [
  { key: 'state', apiField: 'state', label: 'State', kind: 'choice', options: [{ value: '', label: 'All' }] },
  { key: 'email', apiField: 'email', label: 'Email', kind: 'email' },
  { key: 'code', apiField: 'codePrefix', label: 'Code starts with', kind: 'codePrefix' },
  { key: 'after', apiField: 'assignedAfter', label: 'Assigned after', kind: 'after' },
  { key: 'before', apiField: 'assignedBefore', label: 'Assigned before', kind: 'before' },
];
const empty = { state: '', email: '', code: '', after: '', before: '' };

describe('checkFilters', () => {
  it('trims what is typed and turns local times into the ISO instants the URL and the API take', () => {
    const after = '2026-03-01T09:30';
    const { values, errors } = checkFilters(FIELDS, { ...empty, state: 'LOCKED', email: '  Ann@Example.com ', code: ' spr-', after });
    expect(errors).toEqual({});
    expect(values).toEqual({ state: 'LOCKED', email: 'Ann@Example.com', code: 'spr-', after: new Date(after).toISOString(), before: '' });
  });

  it('says on each field what cannot be valid, before anything is asked of the API', () => {
    const { errors } = checkFilters(FIELDS, { ...empty, email: 'ann', code: 'two words', after: '2026-03-02T00:00', before: '2026-03-01T00:00' });
    expect(errors).toEqual({
      email: 'Type a whole email address: the list matches it exactly.',
      code: 'Codes have only letters, digits, “-” and “_” (at most 64).',
      before: 'Must be later than “Assigned after”.',
    });
    expect(checkFilters(FIELDS, { ...empty, code: 'A'.repeat(65) }).errors.code).toBeDefined();
    expect(checkFilters(FIELDS, { ...empty, after: '2026-03-01T00:00', before: '2026-03-01T00:00' }).errors.before).toBeDefined();
  });

  it('round-trips applied values through the form', () => {
    const applied = { ...empty, after: '2026-03-01T08:15:00.000Z', code: 'SPR' };
    const draft = toDraft(FIELDS, applied);
    expect(draft.after).toBe(isoToLocalInput('2026-03-01T08:15:00.000Z'));
    expect(checkFilters(FIELDS, draft).values).toEqual(applied);
  });
});
