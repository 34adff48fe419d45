'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { Button } from '@/components/controls/button';
import { ConfirmDialog } from '@/components/dialog/confirm-dialog';
import { charCount } from '@/components/forms/char-count';
import { Field } from '@/components/forms/field';
import { useToast } from '@/components/toast/toast-provider';
import { describeError } from '@/lib/errors/describe-error';
import { usePoolSettings } from './use-pool';

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
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 200) {
      setError('Give the pool a name of 1 to 200 characters.');
      return;
    }
    setError(null);
    try {
      await updatePool({ name: trimmed, description: description.trim() || null });
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
        <Field id="pool-name" label="Name" hint={charCount(name, 200)} error={error}>
          {(c) => <input {...c} type="text" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field id="pool-description" label="Description" hint="Optional.">
          {(c) => <textarea {...c} rows={2} maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <div className="form__actions">
          <Button type="submit" variant="primary" disabled={saving || !changed}>
            {saving ? 'Saving…' : 'Save'}
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              setDeleteError(null);
              setAsking(true);
            }}
          >
            Delete pool…
          </Button>
        </div>
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
