'use client';

import { type FormEvent, useDeferredValue, useState } from 'react';
import { actionsColumn } from '@/components/data-table/actions-column';
import { Badge } from '@/components/controls/badge';
import { Button } from '@/components/controls/button';
import type { Column } from '@/components/data-table/data-table';
import { TableCard } from '@/components/data-table/table-card';
import { useUrlPaging } from '@/components/data-table/use-url-paging';
import { ConfirmDialog } from '@/components/dialog/confirm-dialog';
import { EmptyState } from '@/components/feedback/states';
import { Field } from '@/components/forms/field';
import { useToast } from '@/components/toast/toast-provider';
import { graphql } from '@/gql';
import type { PoolMemberRowFragment as Member } from '@/gql/graphql';
import { describeError } from '@/lib/errors/describe-error';
import { formatCount } from '@/lib/format/format';
import styles from './pool-members.module.css';
import { MEMBERS_PAGE, usePoolMembers, usePoolMembership, useUserSuggestions } from './use-pool';

/** What one row of a pool's members (and of the user search) shows. */
export const PoolMemberRow = graphql(`
  fragment PoolMemberRow on User {
    id
    email
    role
  }
`);

/**
 * Splits a pasted list of emails on new lines, commas and semicolons only: a space inside an entry
 * stays in it, so "not an email" is one invalid entry rather than three unknown ones.
 */
export function parseEmails(text: string): string[] {
  return [...new Set(text.split(/[\r\n,;]+/).map((e) => e.trim().toLowerCase()).filter((e) => e.length > 0))];
}

const roleName = (member: Member) => (member.role === 'ADMIN' ? 'Admin' : 'User');

const MEMBER_COLUMNS: Column<Member>[] = [
  { key: 'email', header: 'Email', rowHeader: true, cell: (m) => m.email },
  { key: 'role', header: 'Role', cell: roleName },
];

/** A pool's members, a page at a time (the page in the URL): add by pasted emails or by search, remove one by one. */
export function PoolMembers({ poolId }: { poolId: string }) {
  const toast = useToast();
  const paging = useUrlPaging([], { label: 'Member pages', testId: 'member-page', defaultSize: MEMBERS_PAGE });
  const list = usePoolMembers(poolId, { pageSize: paging.pageSize, start: paging.start });
  const members = list.nodes ?? [];
  const totalCount = list.totalCount ?? 0;
  const { addMembers, removeMember, adding } = usePoolMembership(poolId);
  const [emailText, setEmailText] = useState('');
  const [emailError, setEmailError] = useState<string | null>(null);
  const [unknown, setUnknown] = useState<string[]>([]);
  const [removing, setRemoving] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<Member | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);

  async function add(variables: { emails?: string[]; userIds?: string[] }, label: string) {
    try {
      const missing = await addMembers(variables);
      setUnknown(missing);
      const known = (variables.emails?.length ?? 0) - missing.length + (variables.userIds?.length ?? 0);
      if (known > 0) toast.success(`${label}${missing.length ? `; ${missing.length} unknown` : ''}.`, 'Members added');
      return true;
    } catch (failure) {
      toast.error(failure, 'Could not add members');
      return false;
    }
  }

  async function submitEmails(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const emails = parseEmails(emailText);
    if (emails.length === 0) {
      setEmailError('Paste at least one email address.');
      return;
    }
    setEmailError(null);
    if (await add({ emails }, `${emails.length} email${emails.length === 1 ? '' : 's'} processed`)) setEmailText('');
  }

  async function remove(member: Member) {
    setRemoving(member.id);
    setRemoveError(null);
    try {
      await removeMember(member.id);
      setConfirming(null);
      toast.success(`${member.email} left the pool.`, 'Member removed');
    } catch (failure) {
      setRemoveError(describeError(failure).message);
    } finally {
      setRemoving(null);
    }
  }

  const memberIds = new Set(members.map((m) => m.id));

  return (
    <TableCard
      title="Members"
      titleId="members-title"
      aside={
        <Badge kind="count" data-testid="member-count">
          {list.totalCount === undefined ? '…' : `${formatCount(totalCount)} ${totalCount === 1 ? 'member' : 'members'}`}
        </Badge>
      }
      toolbar={
        <>
          <form className="form" onSubmit={submitEmails} noValidate>
            <Field id="member-emails" label="Add by email" hint="One per line, or separated by commas or semicolons." error={emailError}>
              {(c) => <textarea {...c} rows={3} value={emailText} onChange={(e) => setEmailText(e.target.value)} placeholder="ana@example.com, ben@example.com" />}
            </Field>
            <Button variant="primary" type="submit" disabled={adding}>
              {adding ? 'Adding…' : 'Add members'}
            </Button>
          </form>

          {unknown.length > 0 ? (
            <div className="notice notice--warning" role="status" data-testid="unknown-emails">
              <p>
                {unknown.length === 1 ? 'This email matches' : 'These emails match'} no user and {unknown.length === 1 ? 'was' : 'were'} not added:
              </p>
              <ul className={styles.inlineList}>
                {unknown.map((e) => (
                  <li key={e} className="mono">
                    {e}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}

          <UserSearch exclude={memberIds} onAdd={(user) => void add({ userIds: [user.id] }, `${user.email} added`)} />
        </>
      }
      caption="Pool members"
      columns={[
        ...MEMBER_COLUMNS,
        actionsColumn((member: Member) => (
          <Button
            size="small"
            variant="danger"
            onClick={() => {
              setRemoveError(null);
              setConfirming(member);
            }}
            disabled={removing === member.id}
            aria-label={`Remove ${member.email}`}
          >
            {removing === member.id ? 'Removing…' : 'Remove'}
          </Button>
        )),
      ]}
      {...paging.table(list)}
      rowKey={(member) => member.id}
      loadingLabel="Loading members…"
      empty={<EmptyState title="No members yet">Add users by email above.</EmptyState>}
    >
      <ConfirmDialog
        open={confirming !== null}
        title={`Remove ${confirming?.email ?? 'this member'}?`}
        confirmLabel="Remove member"
        busyLabel="Removing…"
        busy={confirming !== null && removing === confirming.id}
        error={removeError}
        onConfirm={() => {
          if (confirming) void remove(confirming);
        }}
        onCancel={() => setConfirming(null)}
      >
        <p>They stop receiving this pool's distributions. Coupons already given to them stay theirs; you can add them again later.</p>
      </ConfirmDialog>
    </TableCard>
  );
}

/** Finds users by part of their email and adds them one click at a time. */
function UserSearch({ exclude, onAdd }: { exclude: Set<string>; onAdd(user: Member): void }) {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query.trim());
  const { users: results, searching: loading } = useUserSuggestions(deferred);

  return (
    <div className={styles.searchAdd}>
      <label htmlFor="member-search" className="field__label">
        Find users
      </label>
      <input id="member-search" type="search" placeholder="Type part of an email" value={query} onChange={(e) => setQuery(e.target.value)} aria-describedby="member-search-status" />
      <p id="member-search-status" className="visually-hidden" aria-live="polite">
        {deferred.length < 2 ? '' : loading ? 'Searching' : `${results.length} users found`}
      </p>
      {results.length > 0 ? (
        <ul className={styles.suggestions} aria-label="Matching users">
          {results.map((user) => (
            <li key={user.id} className={styles.suggestion}>
              <span>{user.email}</span>
              {exclude.has(user.id) ? (
                <Badge kind="count">Member</Badge>
              ) : (
                <Button size="small" onClick={() => onAdd(user)} aria-label={`Add ${user.email} to the pool`}>
                  Add
                </Button>
              )}
            </li>
          ))}
        </ul>
      ) : deferred.length >= 2 && !loading ? (
        <p className="muted">No user matches “{deferred}”.</p>
      ) : null}
    </div>
  );
}
