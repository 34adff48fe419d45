'use client';

import { type FormEvent, useRef, useState } from 'react';
import { CheckboxGroup, toggled } from '@/components/forms/checkbox-group';
import { Field } from '@/components/forms/field';
import type { ApiKeyScope } from '@/gql/graphql';
import { describeApiKeyError, NAME_MAX, NAME_RULE, SCOPES_RULE } from './api-key-errors';
import { API_KEY_SCOPES, includedBy, scopeLabel, scopesToGrant } from './api-key-scopes';
import { FormError } from '@/components/forms/form-error';
import { SubmitActions } from '@/components/forms/submit-actions';

interface FormErrors {
  name?: string;
  scopes?: string;
  form?: string;
}

export interface CreateApiKeyFormProps {
  creating: boolean;
  /** Creates the key; resolves to its secret (shown once by the page), or throws the API's error. */
  onCreate(name: string, scopes: ApiKeyScope[]): Promise<unknown>;
}

/** The rules the API applies too, checked before sending. */
export function validateApiKey(name: string, scopes: readonly ApiKeyScope[]): FormErrors {
  const errors: FormErrors = {};
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > NAME_MAX) errors.name = NAME_RULE;
  if (scopes.length === 0) errors.scopes = SCOPES_RULE;
  return errors;
}

/** A new key: a name and what it may do. */
export function CreateApiKeyForm({ creating, onCreate }: CreateApiKeyFormProps) {
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<ApiKeyScope>>(new Set());
  const [errors, setErrors] = useState<FormErrors>({});
  const nameInput = useRef<HTMLInputElement>(null);
  const firstScope = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const scopes = scopesToGrant(chosen);
    const found = validateApiKey(name, scopes);
    setErrors(found);
    if (found.name) return nameInput.current?.focus();
    if (found.scopes) return firstScope.current?.focus();
    try {
      await onCreate(name.trim(), scopes);
      setName('');
      setChosen(new Set());
    } catch (failure) {
      const { field, message } = describeApiKeyError(failure);
      setErrors(field ? { [field]: message } : { form: message });
    }
  }

  return (
    <section className="card" aria-labelledby="new-api-key-title">
      <h2 id="new-api-key-title">New API key</h2>
      <form className="form" onSubmit={submit} noValidate aria-describedby="new-api-key-lead">
        <p id="new-api-key-lead" className="muted">
          For a shop backend. Its secret is shown once, right after you create it.
        </p>
        <FormError>{errors.form}</FormError>
        <Field id="api-key-name" label="Name" hint={`1 to ${NAME_MAX} characters, e.g. “shop backend (production)”.`} error={errors.name}>
          {(control) => <input {...control} ref={nameInput} type="text" required autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <CheckboxGroup
          legend="Scopes"
          hint="They nest: Admin includes Write coupons, which includes Read coupons."
          name="scopes"
          idPrefix="api-key-scope"
          options={API_KEY_SCOPES.map((info) => {
            const includer = includedBy(info.scope, chosen);
            return {
              value: info.scope,
              label: (
                <>
                  {info.label} <code>{info.scope}</code>
                </>
              ),
              description: `${info.description}${includer ? ` Included in ${scopeLabel(includer)}.` : ''}`,
              checked: chosen.has(info.scope) || Boolean(includer),
              disabled: Boolean(includer),
            };
          })}
          onToggle={(scope, on) => setChosen((current) => toggled(current, scope, on))}
          error={errors.scopes}
          errorId="api-key-scopes-error"
          firstRef={firstScope}
        />
        <SubmitActions label="Create key" busyLabel="Creating…" busy={creating} />
      </form>
    </section>
  );
}
