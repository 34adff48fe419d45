'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { Button } from '@/components/controls/button';
import { ConfirmDialog } from '@/components/dialog/confirm-dialog';
import { fieldErrors, poolInputSchema } from '@coupons/rules';
import { useToast } from '@/components/toast/toast-provider';
import { describeError } from '@/lib/errors/describe-error';
import { usePoolSettings } from './use-pool';
import { SubmitActions } from '@/components/forms/submit-actions';
import { PoolFields } from './pool-fields';

interface PoolSettingsProps {
  pool: { id: string; name: string; description: string | null; memberCount: number };
}

/** Rename a pool (name, description) and delete it, after a confirmation. */
export function PoolSettings({ pool }: PoolSettingsProps) {
  const { updatePool, deletePool, saving, deleting } = usePoolSettings(pool.id);
  const toast = useToast();
  const router = useRouter();
  const [name, setName] = useState(pool.name);
  const [description, setDescription] = useState(pool.description ?? '');
  // The pool as the form opened (or was last saved): a save sends only what changed since, so
  // another admin's change to the other field is not written back over.
  const [opened, setOpened] = useState(() => ({ name: pool.name, description: pool.description ?? null }));
  const [error, setError] = useState<string | null>(null);
  const [descriptionError, setDescriptionError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    // The API's own rules (the shared schema): a name too long is named here, not cut or sent.
    const checked = poolInputSchema.safeParse({ name, description });
    const found = checked.success ? {} : fieldErrors(checked.error);
    setError(found.name ?? null);
    setDescriptionError(found.description ?? null);
    if (!checked.success) return;
    try {
      const { name: newName, description: newDescription } = checked.data;
      await updatePool({
        ...(newName !== opened.name ? { name: newName } : {}),
        ...(newDescription !== opened.description ? { description: newDescription } : {}),
      });
      setOpened({ name: newName, description: newDescription });
      toast.success('The pool is renamed.');
    } catch (failure) {
      setError(describeError(failure).message);
    }
  }

  async function remove() {
    setDeleteError(null);
    try {
      await deletePool();
      toast.success(`“${pool.name}” deleted.`);
      router.replace('/pools');
    } catch (failure) {
      setDeleteError(describeError(failure).message);
    }
  }

  const changed = name.trim() !== pool.name || (description.trim() || null) !== (pool.description ?? null);
  return (
    <section className="card" aria-labelledby="pool-settings-title">
      <h2 id="pool-settings-title">Settings</h2>
      <form className="form" onSubmit={save} noValidate>
        <PoolFields
          name={name}
          description={description}
          onName={setName}
          onDescription={setDescription}
          nameError={error}
          descriptionError={descriptionError}
          required
        />
        <SubmitActions label="Save" busyLabel="Saving…" busy={saving} disabled={!changed}>
          <Button
            variant="danger"
            onClick={() => {
              setDeleteError(null);
              setAsking(true);
            }}
          >
            Delete pool…
          </Button>
        </SubmitActions>
      </form>
      <ConfirmDialog
        open={asking}
        title={`Delete “${pool.name}”?`}
        confirmLabel="Delete pool"
        busyLabel="Deleting…"
        busy={deleting}
        error={deleteError}
        onConfirm={() => void remove()}
        onCancel={() => setAsking(false)}
      >
        <p>
          The pool and its list of {pool.memberCount} {pool.memberCount === 1 ? 'member' : 'members'} are deleted. Coupons it handed out stay with their owners. This cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}
