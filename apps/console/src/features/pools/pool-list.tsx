'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { fieldErrors, poolInputSchema } from '@coupons/rules';
import { type FormEvent, useState } from 'react';
import { Button } from '@/components/controls/button';
import type { Column } from '@/components/data-table/data-table';
import { TableCard } from '@/components/data-table/table-card';
import { useUrlPaging } from '@/components/data-table/use-url-paging';
import { EmptyState } from '@/components/feedback/states';
import { useToast } from '@/components/toast/toast-provider';
import { graphql } from '@/gql';
import type { PoolTableRowFragment } from '@/gql/graphql';
import { describeError } from '@/lib/errors/describe-error';
import { formatCount } from '@/lib/format/format';
import { POOLS_PAGE, useCreatePool, usePools } from './use-pools';
import { PageHeader } from '@/components/page/page-header';
import { PoolFields } from './pool-fields';

/** What one row of the pools table shows. */
export const PoolTableRow = graphql(`
  fragment PoolTableRow on Pool {
    id
    name
    description
    memberCount
  }
`);

const COLUMNS: Column<PoolTableRowFragment>[] = [
  { key: 'name', header: 'Name', rowHeader: true, cell: (p) => <Link href={`/pools/${p.id}`}>{p.name}</Link> },
  { key: 'description', header: 'Description', cell: (p) => p.description ?? <span className="muted">—</span> },
  { key: 'members', header: 'Members', numeric: true, cell: (p) => formatCount(p.memberCount) },
];

/** User pools: named groups for bulk distribution, a page at a time (the page in the URL). */
export function PoolList() {
  const paging = useUrlPaging([], { label: 'Pool pages', testId: 'pool-page', defaultSize: POOLS_PAGE });
  const pools = usePools({ pageSize: paging.pageSize, start: paging.start });
  return (
    <div className="stack">
      <PageHeader title="Pools" lead="Groups of users that receive coupons together." />
      <div className="grid grid--sidebar">
        <TableCard
          title="All pools"
          titleId="pool-list-title"
          columns={COLUMNS}
          {...paging.table(pools)}
          rowKey={(p) => p.id}
          loadingLabel="Loading pools…"
          summary={pools.totalCount === undefined ? null : `${formatCount(pools.totalCount)} ${pools.totalCount === 1 ? 'pool' : 'pools'}`}
          empty={<EmptyState title="No pools yet">Create one with the form.</EmptyState>}
        />
        <CreatePoolForm />
      </div>
    </div>
  );
}

function CreatePoolForm() {
  const router = useRouter();
  const toast = useToast();
  const { createPool, loading } = useCreatePool();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<{ name?: string; description?: string; form?: string }>({});

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // The API's own rules (the shared schema): a name too long is named here, not cut or sent.
    const checked = poolInputSchema.safeParse({ name, description });
    if (!checked.success) {
      setErrors(fieldErrors(checked.error));
      return;
    }
    setErrors({});
    try {
      const pool = await createPool(checked.data.name, checked.data.description ?? null);
      if (!pool) return;
      toast.success(`Pool “${pool.name}” created. Add members next.`, 'Pool created');
      router.push(`/pools/${pool.id}`);
    } catch (failure) {
      const described = describeError(failure);
      if (described.field === 'name') setErrors({ name: described.message });
      else setErrors({ form: described.message });
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
        <PoolFields
          name={name}
          description={description}
          onName={setName}
          onDescription={setDescription}
          nameError={errors.name}
          descriptionError={errors.description}
        />
        <Button variant="primary" type="submit" disabled={loading}>
          {loading ? 'Creating…' : 'Create pool'}
        </Button>
      </form>
    </section>
  );
}
