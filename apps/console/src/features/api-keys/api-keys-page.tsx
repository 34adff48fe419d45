'use client';

import { useState } from 'react';
import { Button } from '@/components/controls/button';
import { useUrlPaging } from '@/components/data-table/use-url-paging';
import type { ApiKeyScope, ApiKeyTableRowFragment } from '@/gql/graphql';
import { describeApiKeyError } from './api-key-errors';
import { ApiKeyTable } from './api-key-table';
import { ConfirmDialog } from '@/components/dialog/confirm-dialog';
import { OneTimeSecret } from '@/components/secret/one-time-secret';
import { CreateApiKeyForm } from './create-api-key-form';
import styles from './api-keys.module.css';
import { API_KEYS_PAGE, useApiKeys } from './use-api-keys';
import { PageHeader } from '@/components/page/page-header';

/** Admin: the shop backends' API keys: create one (its secret shown once), see their use, revoke. */
export function ApiKeysPage() {
  const paging = useUrlPaging([], { label: 'API key pages', testId: 'api-key-page', defaultSize: API_KEYS_PAGE });
  const { list, createApiKey, creating, revokeApiKey, revoking } = useApiKeys({ pageSize: paging.pageSize, start: paging.start });
  // The one place the secret lives in the console, until "Done" (or leaving the page).
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [revokingKey, setRevokingKey] = useState<ApiKeyTableRowFragment | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');

  async function create(name: string, scopes: ApiKeyScope[]) {
    const result = await createApiKey(name, scopes);
    if (result) setCreated({ name: result.apiKey.name, secret: result.secret });
  }

  async function confirmRevoke() {
    if (!revokingKey) return;
    try {
      await revokeApiKey(revokingKey.id);
      setAnnouncement(`API key “${revokingKey.name}” revoked.`);
      setRevokingKey(null);
    } catch (failure) {
      setRevokeError(describeApiKeyError(failure).message);
    }
  }

  const closeRevoke = () => {
    setRevokingKey(null);
    setRevokeError(null);
  };

  return (
    <div className="stack">
      <PageHeader title="API keys" lead="Keys let a shop backend use the API for its customers. Revoking one stops it at once." />
      {created ? (
        <OneTimeSecret
          title={`Secret of “${created.name}”`}
          secret={created.secret}
          hint={
            <>
              Store it in your secret manager; the shop backend sends it as <code>Authorization: Bearer …</code>
            </>
          }
          onDone={() => setCreated(null)}
          testId="api-key-secret"
        />
      ) : null}
      <section className="card" aria-labelledby="api-key-list-title">
        <h2 id="api-key-list-title">All keys</h2>
        <p role="status" className="visually-hidden">
          {announcement}
        </p>
        {list.error && !list.nodes ? (
          <div className="notice notice--error" role="alert">
            <p>Could not load the API keys. {describeApiKeyError(list.error).message}</p>
            <Button size="small" onClick={() => void list.refetch()}>
              Try again
            </Button>
          </div>
        ) : (
          <ApiKeyTable
            {...paging.table(list)}
            labelledBy="api-key-list-title"
            onRevoke={(key) => {
              setRevokeError(null);
              setRevokingKey(key);
            }}
          />
        )}
      </section>
      <div className="grid grid--2">
        <CreateApiKeyForm creating={creating} onCreate={create} />
        <UsingAKey />
      </div>
      <ConfirmDialog
        open={revokingKey !== null}
        title={`Revoke “${revokingKey?.name ?? ''}”?`}
        confirmLabel="Revoke key"
        busyLabel="Revoking…"
        busy={revoking}
        error={revokeError}
        onConfirm={() => void confirmRevoke()}
        onCancel={closeRevoke}
      >
        <p>
          The key <code>{revokingKey?.prefix}…</code> stops working at once: its next request is refused and its open connections close. This
          cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}

/** How a shop backend uses its key, in the few lines an admin needs to hand it over. */
function UsingAKey() {
  return (
    <section className="card" aria-labelledby="api-key-usage-title">
      <h2 id="api-key-usage-title">Using a key</h2>
      <ul className={styles.usage}>
        <li>
          The shop backend sends the secret as <code>Authorization: Bearer &lt;secret&gt;</code> over HTTP, and in the WebSocket’s{' '}
          <code>connectionParams</code>.
        </li>
        <li>
          It acts for its own customers by their id in the shop (<code>customerId</code>): no passwords, no sign-in.
        </li>
        <li>“Last used” follows a key’s calls within about a minute.</li>
        <li>Revoking refuses the key’s next request and closes its open connections.</li>
      </ul>
      <p className="muted">The API guide’s “Integrate a shop backend” walks through claim, validate, lock, redeem and refund.</p>
    </section>
  );
}
