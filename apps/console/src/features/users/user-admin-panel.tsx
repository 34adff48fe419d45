'use client';

import { useId, useRef, useState } from 'react';
import { Button } from '@/components/controls/button';
import { ConfirmDialog } from '@/components/dialog/confirm-dialog';
import { useToast } from '@/components/toast/toast-provider';
import type { Role } from '@/gql/graphql';
import { describeError } from '@/lib/errors/describe-error';
import { useUserAdmin } from './use-users';
import styles from './users-page.module.css';
import { FormError } from '@/components/forms/form-error';

interface UserAdminPanelProps {
  /** A person (email) or a shop's customer (externalId: no role to change, no sign-in). */
  user: { id: string; email: string | null; externalId: string | null; role: Role; disabled: boolean };
  /** The user is gone (erased): the page lets go of them. */
  onErased(): void;
}

type Asking = 'disable' | 'erase' | null;

/**
 * Role, Disable / Enable and Erase of one user; Disable and Erase are confirmed, Erase by typing
 * the email (a customer's id). A shop's customer has no role to change: they never sign in.
 */
export function UserAdminPanel({ user, onErased }: UserAdminPanelProps) {
  const { setUserRole, disableUser, enableUser, eraseUser, busy } = useUserAdmin(user.id);
  const toast = useToast();
  const [role, setRole] = useState<Role>(user.role);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState<Asking>(null);
  const [typed, setTyped] = useState('');
  const typedField = useRef<HTMLInputElement>(null);
  const roleId = useId();
  const customer = user.email === null && user.externalId !== null;
  // What the admin types to confirm an erase: the email, or the shop's id of a customer.
  const name = user.email ?? user.externalId ?? user.id;
  const title = customer ? `customer ${name}` : name;

  async function attempt(work: () => Promise<void>, done: string, after?: () => void) {
    setError(null);
    try {
      await work();
      toast.success(done);
      setAsking(null);
      after?.();
    } catch (failure) {
      setError(describeError(failure).message);
    }
  }

  const ask = (what: Asking) => {
    setError(null);
    setTyped('');
    setAsking(what);
  };

  return (
    <div className={styles.admin}>
      <h3 className="visually-hidden">Manage {title}</h3>
      {customer ? null : (
        <form
          className={styles.roleForm}
          onSubmit={(e) => {
            e.preventDefault();
            void attempt(() => setUserRole(role), `${name} is now ${role === 'ADMIN' ? 'an admin' : 'a user'}.`);
          }}
        >
          <label htmlFor={roleId}>Role</label>
          <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="USER">User</option>
            <option value="ADMIN">Admin</option>
          </select>
          <Button type="submit" size="small" disabled={busy || role === user.role}>
            Change role
          </Button>
        </form>
      )}
      <div className={styles.adminActions}>
        {user.disabled ? (
          <Button
            size="small"
            disabled={busy}
            onClick={() => void attempt(enableUser, customer ? `Customer ${name} is enabled: API keys can act for them again.` : `${name} is enabled: they can sign in again.`)}
          >
            Enable
          </Button>
        ) : (
          <Button size="small" variant="danger" onClick={() => ask('disable')}>
            Disable…
          </Button>
        )}
        <Button size="small" variant="danger" onClick={() => ask('erase')}>
          Erase…
        </Button>
      </div>
      <FormError>{error && !asking ? error : null}</FormError>
      <ConfirmDialog
        open={asking === 'disable'}
        title={`Disable ${title}?`}
        confirmLabel={customer ? 'Disable customer' : 'Disable user'}
        busyLabel="Disabling…"
        busy={busy}
        error={error}
        onConfirm={() => void attempt(disableUser, customer ? `Customer ${name} is disabled.` : `${name} is disabled.`)}
        onCancel={() => setAsking(null)}
      >
        {customer ? (
          <p>API keys (and admins) acting for them are refused claims, locks and redemptions until they are enabled again. The coupons they hold stay theirs.</p>
        ) : (
          <p>They are signed out everywhere at once, their API keys stop, and they cannot sign in until enabled again.</p>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        open={asking === 'erase'}
        title={`Erase ${title}?`}
        confirmLabel={customer ? 'Erase customer' : 'Erase user'}
        busyLabel="Erasing…"
        busy={busy}
        error={error}
        confirmDisabled={customer ? typed !== name : typed.trim().toLowerCase() !== name.toLowerCase()}
        initialFocus={typedField}
        onConfirm={() => void attempt(eraseUser, customer ? `Customer ${name} is erased.` : `${name} is erased.`, onErased)}
        onCancel={() => setAsking(null)}
      >
        <p>
          Their unused coupons go back to their books; their redemptions and history stay, without their personal data. <strong>This cannot be undone.</strong>
        </p>
        <div className="field">
          <label className="field__label" htmlFor="erase-confirm-email">
            Type <span className="mono">{name}</span> to confirm
          </label>
          <input ref={typedField} id="erase-confirm-email" type="text" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </div>
      </ConfirmDialog>
    </div>
  );
}
