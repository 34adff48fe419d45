'use client';

import { type FormEvent, useRef, useState } from 'react';
import { INPUT_LIMITS } from '@coupons/rules';
import { ButtonLink } from '@/components/controls/button';
import { CharCounter, JsonSizeCounter } from '@/components/forms/char-counter';
import { Field } from '@/components/forms/field';
import { graphql } from '@/gql';
import { describeError } from '@/lib/errors/describe-error';
import { apiBookFormErrors, type BookFormErrors, type BookFormValues, type BookInput, needsCurrency, validateBookForm } from './book-form-values';
import { FormError } from '@/components/forms/form-error';
import { SubmitActions } from '@/components/forms/submit-actions';

/**
 * What the form edits: every rule of a book (the ones `BookFacts` shows, and its name, description
 * and metadata); `bookToFormValues` turns it into the form's strings.
 */
export const BookFormFields = graphql(`
  fragment BookFormFields on Book {
    updatedAt
    name
    description
    ...BookFacts
    currency
    minOrderAmount
    maxTotalRedemptions
    maxTotalDiscountAmount
    metadata
  }
`);

interface BookFormProps {
  initialValues: BookFormValues;
  submitLabel: string;
  cancelHref: string;
  /**
   * Saves the input, then leaves the form (navigates away): the form stays busy after it resolves,
   * until the next page replaces it. Throws the API error, which the form maps onto its fields.
   */
  onSubmit(input: BookInput): Promise<void>;
}

/** Create and edit a book, with every rule checked inline and the API's errors shown in place. */
export function BookForm({ initialValues, submitLabel, cancelHref, onSubmit }: BookFormProps) {
  const [values, setValues] = useState(initialValues);
  const [errors, setErrors] = useState<BookFormErrors>({});
  const [saving, setSaving] = useState(false);
  // A second submit before React re-renders the button disabled (a double click) must not save twice.
  const submitting = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);

  const set = <K extends keyof BookFormValues>(key: K, value: BookFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    // Clear the field's error as soon as it is edited; it is checked again on submit.
    if (errors[key]) setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const focusFirstInvalid = () => {
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting.current) return;
    const { input, errors: found } = validateBookForm(values);
    setErrors(found);
    if (!input) {
      focusFirstInvalid();
      return;
    }
    submitting.current = true;
    setSaving(true);
    try {
      await onSubmit(input);
      // Saved: the page is on its way to the book. The button stays busy until it arrives, so a
      // click meanwhile cannot create the book a second time.
    } catch (failure) {
      submitting.current = false;
      setSaving(false);
      setErrors(apiBookFormErrors(describeError(failure), values));
      focusFirstInvalid();
    }
  }

  const text = (key: keyof BookFormValues) => ({
    value: values[key] as string,
    onChange: (e: { target: { value: string } }) => set(key, e.target.value as never),
  });

  return (
    <form ref={formRef} className="form form--page card" onSubmit={submit} noValidate>
      <FormError>{errors.form}</FormError>

      <fieldset className="form__section">
        <legend>Campaign</legend>
        <Field id="book-name" label="Name" hint={<CharCounter value={values.name} max={INPUT_LIMITS.bookName} />} error={errors.name}>
          {(c) => <input {...c} type="text" required {...text('name')} />}
        </Field>
        <Field
          id="book-description"
          label="Description"
          hint={
            <>
              Optional. Shown to admins only. <CharCounter value={values.description} max={INPUT_LIMITS.bookDescription} />
            </>
          }
          error={errors.description}
        >
          {(c) => <textarea {...c} rows={2} {...text('description')} />}
        </Field>
      </fieldset>

      <fieldset className="form__section">
        <legend>Discount</legend>
        <div className="form__row">
          <Field id="book-discount-type" label="Type" error={errors.discountType}>
            {(c) => (
              <select {...c} value={values.discountType} onChange={(e) => set('discountType', e.target.value as BookFormValues['discountType'])}>
                <option value="PERCENTAGE">Percentage</option>
                <option value="FIXED_AMOUNT">Fixed amount</option>
              </select>
            )}
          </Field>
          <Field id="book-discount-value" label={values.discountType === 'PERCENTAGE' ? 'Percent off' : 'Amount off'} error={errors.discountValue}>
            {(c) => <input {...c} type="number" inputMode="decimal" min={0} step="0.01" required {...text('discountValue')} />}
          </Field>
          {needsCurrency(values) ? (
            <Field id="book-currency" label="Currency" hint="ISO 4217, e.g. EUR." error={errors.currency}>
              {(c) => <input {...c} type="text" required maxLength={3} autoCapitalize="characters" className="mono" {...text('currency')} />}
            </Field>
          ) : null}
        </div>
        <Field id="book-min-order" label="Minimum order" hint="Optional. Orders below it cannot use the coupons." error={errors.minOrderAmount}>
          {(c) => <input {...c} type="text" inputMode="decimal" placeholder="25.00" {...text('minOrderAmount')} />}
        </Field>
      </fieldset>

      <fieldset className="form__section">
        <legend>Validity</legend>
        <div className="form__row">
          <Field id="book-valid-from" label="Valid from" hint="Empty: no start." error={errors.validFrom}>
            {(c) => <input {...c} type="datetime-local" {...text('validFrom')} />}
          </Field>
          <Field id="book-valid-until" label="Valid until" hint="Empty: no end." error={errors.validUntil}>
            {(c) => <input {...c} type="datetime-local" {...text('validUntil')} />}
          </Field>
        </div>
      </fieldset>

      <fieldset className="form__section">
        <legend>Limits</legend>
        <div className="form__row">
          <Field id="book-max-assignments" label="Coupons per user" hint="Empty: no limit." error={errors.maxAssignmentsPerUser}>
            {(c) => <input {...c} type="number" inputMode="numeric" min={1} step={1} {...text('maxAssignmentsPerUser')} />}
          </Field>
          <Field id="book-lock-ttl" label="Lock time (seconds)" hint="How long a checkout reserves a coupon." error={errors.lockTtlSeconds}>
            {(c) => <input {...c} type="number" inputMode="numeric" min={1} step={1} required {...text('lockTtlSeconds')} />}
          </Field>
        </div>
        <div className="checkbox">
          <input
            id="book-multi"
            type="checkbox"
            checked={values.allowMultipleRedemptions}
            onChange={(e) => set('allowMultipleRedemptions', e.target.checked)}
          />
          <label htmlFor="book-multi">Allow a coupon to be redeemed more than once</label>
        </div>
        {values.allowMultipleRedemptions ? (
          <Field id="book-max-redemptions" label="Redemptions per user" hint="Empty: no limit." error={errors.maxRedemptionsPerUser}>
            {(c) => <input {...c} type="number" inputMode="numeric" min={1} step={1} {...text('maxRedemptionsPerUser')} />}
          </Field>
        ) : null}
      </fieldset>

      <fieldset className="form__section">
        <legend>Budget</legend>
        <div className="form__row">
          <Field id="book-budget-redemptions" label="Total redemptions" hint="Empty: no limit. Redemptions stop once the book has had this many." error={errors.maxTotalRedemptions}>
            {(c) => <input {...c} type="number" inputMode="numeric" min={1} step={1} {...text('maxTotalRedemptions')} />}
          </Field>
          <Field id="book-budget-discount" label="Total discount" hint="Empty: no limit. In the book's currency." error={errors.maxTotalDiscountAmount}>
            {(c) => <input {...c} type="text" inputMode="decimal" placeholder="500.00" {...text('maxTotalDiscountAmount')} />}
          </Field>
        </div>
      </fieldset>

      <fieldset className="form__section">
        <legend>Metadata</legend>
        <Field
          id="book-metadata"
          label="Metadata (JSON)"
          hint={
            <>
              Optional, free-form, e.g. {'{"channel": "web"}'}. <JsonSizeCounter value={values.metadata} />
            </>
          }
          error={errors.metadata}
        >
          {(c) => <textarea {...c} rows={3} className="mono" spellCheck={false} {...text('metadata')} />}
        </Field>
      </fieldset>

      <SubmitActions label={submitLabel} busyLabel="Saving…" busy={saving}>
        <ButtonLink href={cancelHref} variant="ghost">
          Cancel
        </ButtonLink>
      </SubmitActions>
    </form>
  );
}
