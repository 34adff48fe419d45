'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { Field } from '@/components/forms/field';
import { useToast } from '@/components/toast/toast-provider';
import { describeError } from '@/lib/errors/describe-error';
import { formatCount } from '@/lib/format/format';
import { CreatePoolMutation, PoolsQuery } from './pools.documents';

/** User pools: named groups for bulk distribution. */
export function PoolList() {
  const { data, loading, error, refetch } = useQuery(PoolsQuery, { variables: { first: 100 } });
  const pools = data?.pools;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Pools</h1>
          <p className="page-header__lead">Groups of users that receive coupons together.</p>
        </div>
      </div>
      <div className="grid grid--sidebar">
        <section className="card" aria-labelledby="pool-list-title">
          <h2 id="pool-list-title">All pools</h2>
          {error && !pools ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
          {!pools && loading ? <LoadingState label="Loading pools…" /> : null}
          {pools && pools.edges.length === 0 ? <EmptyState title="No pools yet">Create one with the form.</EmptyState> : null}
          {pools && pools.edges.length > 0 ? (
            <ul className="list">
              {pools.edges.map(({ node: pool }) => (
                <li key={pool.id} className="list__item">
                  <Link href={`/pools/${pool.id}`} className="list__title">
                    {pool.name}
                  </Link>
                  {pool.description ? <span className="list__meta">{pool.description}</span> : null}
                  <span className="pill">{formatCount(pool.memberCount)} members</span>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
        <CreatePoolForm />
      </div>
    </div>
  );
}

function CreatePoolForm() {
  const router = useRouter();
  const toast = useToast();
  const [createPool, { loading }] = useMutation(CreatePoolMutation, { refetchQueries: [PoolsQuery] });
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<{ name?: string; form?: string }>({});

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) {
      setErrors({ name: 'Give the pool a name.' });
      return;
    }
    setErrors({});
    try {
      const { data } = await createPool({ variables: { name: name.trim(), description: description.trim() || null } });
      if (!data) return;
      toast.success(`Pool “${data.createPool.name}” created. Add members next.`, 'Pool created');
      router.push(`/pools/${data.createPool.id}`);
    } catch (failure) {
      const described = describeError(failure);
      if (described.field === 'name') setErrors({ name: described.message });
      else setErrors({ form: `${described.code}: ${described.message}` });
    }
  }

  return (
    <section className="card" aria-labelledby="new-pool-title">
      <h2 id="new-pool-title">New pool</h2>
      <form className="form" onSubmit={submit} noValidate>
        {errors.form ? (
          <p className="notice notice--error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <Field id="pool-name" label="Name" error={errors.name}>
          {(c) => <input {...c} type="text" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field id="pool-description" label="Description" hint="Optional.">
          {(c) => <textarea {...c} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <button type="submit" className="btn btn--primary" disabled={loading}>
          {loading ? 'Creating…' : 'Create pool'}
        </button>
      </form>
    </section>
  );
}
