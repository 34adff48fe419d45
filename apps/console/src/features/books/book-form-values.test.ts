import { describe, expect, it } from 'vitest';
import { type BookFormValues, changedBookInput, EMPTY_BOOK_FORM, validateBookForm } from './book-form-values';

const form = (change: Partial<BookFormValues>): BookFormValues => ({ ...EMPTY_BOOK_FORM, name: 'Summer sale', discountValue: '10', ...change });
const errorsOf = (change: Partial<BookFormValues>) => validateBookForm(form(change)).errors;

describe('validateBookForm (the API’s rules, before the round trip)', () => {
  it('turns a valid form into the API’s input', () => {
    const { input, errors } = validateBookForm(
      form({ name: '  Summer sale ', discountType: 'FIXED_AMOUNT', discountValue: '5.5', currency: 'eur', validFrom: '2027-01-01T10:00', metadata: '{"channel":"web"}' }),
    );
    expect(errors).toEqual({});
    expect(input).toMatchObject({ name: 'Summer sale', description: null, discountValue: 5.5, currency: 'EUR', maxAssignmentsPerUser: 1, lockTtlSeconds: 300 });
    expect(input?.validFrom).toBe(new Date('2027-01-01T10:00').toISOString());
    expect(input?.metadata).toEqual({ channel: 'web' });
  });

  it('holds names and descriptions to the API’s lengths, counted after trimming', () => {
    expect(errorsOf({ name: '  ' }).name).toBe('Give the book a name.');
    expect(errorsOf({ name: 'n'.repeat(200) }).name).toBeUndefined();
    expect(errorsOf({ name: 'n'.repeat(201) }).name).toBe('Keep the name to 200 characters.');
    expect(errorsOf({ name: ` ${'n'.repeat(200)} ` }).name).toBeUndefined();
    expect(errorsOf({ description: 'd'.repeat(2001) }).description).toBe('Keep the description to 2,000 characters.');
    expect(errorsOf({ name: 'two\nlines' }).name).toMatch(/line breaks/);
  });

  it('applies the rules between fields', () => {
    expect(errorsOf({ discountValue: '101' }).discountValue).toBe('A percentage cannot be more than 100.');
    expect(errorsOf({ discountType: 'FIXED_AMOUNT', discountValue: '5' }).currency).toBe('A fixed amount needs a currency: a three-letter code like EUR.');
    expect(errorsOf({ minOrderAmount: '25.00' }).currency).toBe('A minimum order needs a currency: a three-letter code like EUR.');
    expect(errorsOf({ discountType: 'FIXED_AMOUNT', discountValue: '2.5', currency: 'JPY' }).discountValue).toBe('JPY amounts are whole numbers.');
    expect(errorsOf({ validFrom: '2027-01-02T00:00', validUntil: '2027-01-01T00:00' }).validUntil).toBe('The end must be after the start.');
    // Several faults at once: each field says its own.
    const many = errorsOf({ name: '', discountValue: '', lockTtlSeconds: '0', maxAssignmentsPerUser: '1.5' });
    expect(many).toMatchObject({
      name: 'Give the book a name.',
      discountValue: 'Enter the discount as a number.',
      lockTtlSeconds: 'Enter the lock time in whole seconds (at least 1).',
      maxAssignmentsPerUser: 'Enter coupons per user as a whole number.',
    });
  });

  it('refuses numbers and JSON the API would refuse', () => {
    expect(errorsOf({ lockTtlSeconds: '86401' }).lockTtlSeconds).toBe('A lock can last at most one day (86,400 seconds).');
    expect(errorsOf({ maxAssignmentsPerUser: '0' }).maxAssignmentsPerUser).toMatch(/at least 1/);
    expect(errorsOf({ discountValue: '1.005' }).discountValue).toBe('Use at most 2 decimal places.');
    expect(errorsOf({ minOrderAmount: '1e3', currency: 'USD' }).minOrderAmount).toBe('Enter an amount like 25.00.');
    expect(errorsOf({ metadata: '{oops' }).metadata).toBe('This is not valid JSON.');
    expect(errorsOf({ metadata: '[1, 2]' }).metadata).toMatch(/JSON object/);
  });
});

describe('changedBookInput (what an edit sends)', () => {
  const opened = form({ maxTotalRedemptions: '100', metadata: '{"channel":"web"}', validFrom: '2027-01-01T10:00' });
  const inputOf = (values: BookFormValues) => validateBookForm(values).input!;

  it('sends only the fields changed since the form opened, so another admin’s change to the rest stays', () => {
    const before = inputOf(opened);
    expect(changedBookInput(before, inputOf({ ...opened, name: 'Autumn sale' }))).toEqual({ name: 'Autumn sale' });
    expect(changedBookInput(before, inputOf({ ...opened, maxTotalRedemptions: '', metadata: '{"channel":"shop"}' }))).toEqual({
      maxTotalRedemptions: null,
      metadata: { channel: 'shop' },
    });
    expect(changedBookInput(before, inputOf(opened))).toEqual({});
  });

  it('sends everything when the form did not open valid', () => {
    const input = inputOf(opened);
    expect(changedBookInput(null, input)).toEqual(input);
  });
});
