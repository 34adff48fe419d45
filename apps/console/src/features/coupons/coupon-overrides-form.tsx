'use client';

import { type FormEvent, useState } from 'react';
import { metadataSchema, couponUseLimitSchema } from '@coupons/rules';
import { JsonSizeCounter } from '@/components/forms/char-counter';
import { Field } from '@/components/forms/field';
import { useToast } from '@/components/toast/toast-provider';
import type { UpdateCouponInput } from '@/gql/graphql';
import { describeError } from '@/lib/errors/describe-error';
import { localInputToIso } from '@/lib/format/format';
import { FormError } from '@/components/forms/form-error';
import { SubmitActions } from '@/components/forms/submit-actions';

type FieldName = 'expiresAt' | 'maxRedemptions' | 'metadata';

const NOTES = metadataSchema('Notes', '{"ticket": "SUP-12"}');
type Errors = Partial<Record<FieldName | 'form', string>>;

export interface OverrideValues {
  expiresAt: string;
  clearExpiry: boolean;
  maxRedemptions: string;
  clearMaxRedemptions: boolean;
  metadata: string;
}

/**
 * The input for updateCoupon from the form: a blank field is left out (it keeps its value), a
 * "clear" box sends null (the book decides again). The API does not return a coupon's overrides,
 * so the form cannot show the current ones: it only sets or clears.
 */
export function overridesToInput(values: OverrideValues): { input: UpdateCouponInput | null; errors: Errors } {
  const errors: Errors = {};
  const input: UpdateCouponInput = {};
  if (values.clearExpiry) input.expiresAt = null;
  else if (values.expiresAt) {
    const iso = localInputToIso(values.expiresAt);
    if (iso) input.expiresAt = iso;
    else errors.expiresAt = 'Enter a valid date and time.';
  }
  if (values.clearMaxRedemptions) input.maxRedemptions = null;
  else if (values.maxRedemptions.trim()) {
    // The API's rules (@coupons/rules), so a mistake shows before the round trip.
    const limit = couponUseLimitSchema.safeParse(Number(values.maxRedemptions.trim()));
    if (limit.success) input.maxRedemptions = limit.data;
    else errors.maxRedemptions = limit.error.issues[0]?.message;
  }
  if (values.metadata.trim()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(values.metadata);
    } catch {
      errors.metadata = 'This is not valid JSON.';
    }
    if (!errors.metadata) {
      const notes = NOTES.safeParse(parsed);
      if (notes.success) input.metadata = notes.data;
      else errors.metadata = notes.error.issues[0]?.message;
    }
  }
  if (Object.keys(errors).length > 0) return { input: null, errors };
  if (Object.keys(input).length === 0) return { input: null, errors: { form: 'Change at least one override.' } };
  return { input, errors };
}

const EMPTY: OverrideValues = { expiresAt: '', clearExpiry: false, maxRedemptions: '', clearMaxRedemptions: false, metadata: '' };

/** Per-code overrides (updateCoupon): an expiry, a use limit, notes. */
export function CouponOverridesForm({ saving, onSave }: { saving: boolean; onSave(input: UpdateCouponInput): Promise<void> }) {
  const toast = useToast();
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const set = <K extends keyof OverrideValues>(key: K, value: OverrideValues[K]) => setValues((v) => ({ ...v, [key]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { input, errors: found } = overridesToInput(values);
    setErrors(found);
    if (!input) return;
    try {
      await onSave(input);
      setValues(EMPTY);
      toast.success('Overrides saved.');
    } catch (failure) {
      const described = describeError(failure);
      const field = (described.field?.split('.').pop() ?? '') as FieldName;
      setErrors(['expiresAt', 'maxRedemptions', 'metadata'].includes(field) ? { [field]: described.message } : { form: described.message });
    }
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="coupon-overrides-title">
      <h2 id="coupon-overrides-title">Overrides</h2>
      <p className="muted">Rules for this code only. A blank field keeps what is set.</p>
      <FormError>{errors.form}</FormError>
      <Field id="override-expires" label="Expires at" hint="After this, the code is refused." error={errors.expiresAt}>
        {(c) => <input {...c} type="datetime-local" value={values.expiresAt} disabled={values.clearExpiry} onChange={(e) => set('expiresAt', e.target.value)} />}
      </Field>
      <div className="checkbox">
        <input id="override-clear-expiry" type="checkbox" checked={values.clearExpiry} onChange={(e) => set('clearExpiry', e.target.checked)} />
        <label htmlFor="override-clear-expiry">Remove this code’s own expiry</label>
      </div>
      <Field id="override-max" label="Maximum redemptions" hint="At least the uses so far." error={errors.maxRedemptions}>
        {(c) => (
          <input
            {...c}
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            value={values.maxRedemptions}
            disabled={values.clearMaxRedemptions}
            onChange={(e) => set('maxRedemptions', e.target.value)}
          />
        )}
      </Field>
      <div className="checkbox">
        <input id="override-clear-max" type="checkbox" checked={values.clearMaxRedemptions} onChange={(e) => set('clearMaxRedemptions', e.target.checked)} />
        <label htmlFor="override-clear-max">Let the book decide the use limit again</label>
      </div>
      <Field
        id="override-metadata"
        label="Notes (JSON)"
        hint={
          <>
            Replaces the code’s notes, e.g. {'{"ticket": "SUP-12"}'}. <JsonSizeCounter value={values.metadata} />
          </>
        }
        error={errors.metadata}
      >
        {(c) => <textarea {...c} rows={3} className="mono" spellCheck={false} value={values.metadata} onChange={(e) => set('metadata', e.target.value)} />}
      </Field>
      <SubmitActions label="Save overrides" busyLabel="Saving…" busy={saving} />
    </form>
  );
}
