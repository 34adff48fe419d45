'use client';

import { type FormEvent, useRef, useState } from 'react';
import { CheckboxGroup, toggled } from '@/components/forms/checkbox-group';
import { Field } from '@/components/forms/field';
import type { CouponEventType } from '@/gql/graphql';
import { DESCRIPTION_MAX, describeWebhookError, EVENTS_RULE, URL_RULE } from './webhook-errors';
import { WEBHOOK_EVENT_TYPES } from './webhook-format';
import type { NewWebhookEndpoint } from './use-webhooks';
import { FormError } from '@/components/forms/form-error';
import { SubmitActions } from '@/components/forms/submit-actions';

type FieldName = 'url' | 'events' | 'bookId' | 'description' | 'form';
type FormErrors = Partial<Record<FieldName, string>>;

/** The rules the API applies too (but the address check, which only the API can make), checked before sending. */
export function validateWebhook(input: NewWebhookEndpoint): FormErrors {
  const errors: FormErrors = {};
  try {
    const url = new URL(input.url);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') errors.url = URL_RULE;
  } catch {
    errors.url = URL_RULE;
  }
  if (input.events.length === 0) errors.events = EVENTS_RULE;
  if ((input.description ?? '').length > DESCRIPTION_MAX) errors.description = `At most ${DESCRIPTION_MAX} characters.`;
  return errors;
}

export interface CreateWebhookFormProps {
  creating: boolean;
  /** Creates the endpoint (the page shows its secret); throws the API's error. */
  onCreate(input: NewWebhookEndpoint): Promise<unknown>;
}

/** A new endpoint: where to send, which events (the picker), optionally one book's only. */
export function CreateWebhookForm({ creating, onCreate }: CreateWebhookFormProps) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [bookId, setBookId] = useState('');
  const [events, setEvents] = useState<ReadonlySet<CouponEventType>>(new Set(['REDEEMED', 'REVERSED']));
  const [errors, setErrors] = useState<FormErrors>({});
  const urlInput = useRef<HTMLInputElement>(null);
  const firstEvent = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input: NewWebhookEndpoint = {
      url: url.trim(),
      // In the picker's order, which is the order a coupon lives them.
      events: WEBHOOK_EVENT_TYPES.map((e) => e.type).filter((type) => events.has(type)),
      bookId: bookId.trim() || null,
      description: description.trim() || null,
    };
    const found = validateWebhook(input);
    setErrors(found);
    if (found.url) return urlInput.current?.focus();
    if (found.events) return firstEvent.current?.focus();
    if (found.description) return;
    try {
      await onCreate(input);
      setUrl('');
      setDescription('');
      setBookId('');
    } catch (failure) {
      const { field, message } = describeWebhookError(failure);
      setErrors({ [field ?? 'form']: message });
      if (field === 'url') urlInput.current?.focus();
    }
  }

  return (
    <section className="card" aria-labelledby="new-webhook-title">
      <h2 id="new-webhook-title">New endpoint</h2>
      <form className="form" onSubmit={submit} noValidate aria-label="New webhook endpoint">
        <FormError>{errors.form}</FormError>
        <Field id="webhook-url" label="URL" hint="Where the events are POSTed: https:// to a public address." error={errors.url}>
          {(control) => (
            <input {...control} ref={urlInput} type="url" required autoComplete="off" placeholder="https://orders.example.com/coupon-events" value={url} onChange={(e) => setUrl(e.target.value)} />
          )}
        </Field>
        <Field id="webhook-description" label="Description (optional)" hint="What receives them, e.g. “order service”." error={errors.description}>
          {(control) => <input {...control} type="text" autoComplete="off" value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Field id="webhook-book" label="Book id (optional)" hint="Only this book’s events; leave empty for every book." error={errors.bookId}>
          {(control) => <input {...control} type="text" autoComplete="off" spellCheck={false} value={bookId} onChange={(e) => setBookId(e.target.value)} />}
        </Field>
        <CheckboxGroup
          legend="Events"
          name="events"
          idPrefix="webhook-event"
          columns
          options={WEBHOOK_EVENT_TYPES.map((info) => ({ value: info.type, label: info.label, description: info.description, checked: events.has(info.type) }))}
          onToggle={(type, on) => setEvents((current) => toggled(current, type, on))}
          error={errors.events}
          errorId="webhook-events-error"
          firstRef={firstEvent}
        />
        <SubmitActions label="Create endpoint" busyLabel="Creating…" busy={creating} />
      </form>
    </section>
  );
}
