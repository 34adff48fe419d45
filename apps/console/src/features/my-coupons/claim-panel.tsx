'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { Field } from '@/components/forms/field';
import { useToast } from '@/components/toast/toast-provider';
import { formatDiscount } from '@/lib/format/format';
import { newIdempotencyKey } from '@/lib/ids/idempotency-key';
import { ClaimableBooksQuery, ClaimCouponByCodeMutation, ClaimRandomCouponMutation, MyCouponsQuery } from './my-coupons.documents';

/** Get a coupon: a random one from a book, or a specific code someone gave you. */
export function ClaimPanel() {
  const toast = useToast();
  const books = useQuery(ClaimableBooksQuery, { variables: { first: 100 } });
  const refetch = { refetchQueries: [MyCouponsQuery], awaitRefetchQueries: true };
  const [claimRandom, random] = useMutation(ClaimRandomCouponMutation, refetch);
  const [claimCode, byCode] = useMutation(ClaimCouponByCodeMutation, refetch);
  const [bookId, setBookId] = useState('');
  const [bookError, setBookError] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const options = books.data?.books.edges.map((e) => e.node).filter((b) => b.isActive) ?? [];

  async function submitRandom(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!bookId) {
      setBookError('Choose a book.');
      return;
    }
    setBookError(null);
    try {
      const { data } = await claimRandom({ variables: { bookId, idempotencyKey: newIdempotencyKey() } });
      if (data) toast.success(`${data.assignRandomCoupon.code} is yours.`, 'Coupon claimed');
    } catch (failure) {
      toast.error(failure, 'Could not claim a coupon');
    }
  }

  async function submitCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = code.trim();
    if (!trimmed) {
      setCodeError('Enter the code.');
      return;
    }
    setCodeError(null);
    try {
      const { data } = await claimCode({ variables: { code: trimmed } });
      if (data) {
        toast.success(`${data.assignCoupon.code} is yours.`, 'Coupon claimed');
        setCode('');
      }
    } catch (failure) {
      toast.error(failure, `Could not claim ${trimmed.toUpperCase()}`);
    }
  }

  return (
    <section className="card" aria-labelledby="claim-title">
      <h2 id="claim-title">Get a coupon</h2>
      <form className="form" onSubmit={submitRandom} noValidate>
        <Field id="claim-book" label="From a book" error={bookError ?? (books.error ? 'Books could not be loaded.' : null)}>
          {(c) => (
            <select {...c} value={bookId} onChange={(e) => setBookId(e.target.value)}>
              <option value="">{books.loading ? 'Loading books…' : options.length ? 'Choose a book' : 'No book available'}</option>
              {options.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name} — {formatDiscount(b.discountType, b.discountValue)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="btn btn--primary" disabled={random.loading}>
          {random.loading ? 'Claiming…' : 'Claim a coupon'}
        </button>
      </form>
      <form className="form" onSubmit={submitCode} noValidate>
        <Field id="claim-code" label="Have a code?" error={codeError}>
          {(c) => <input {...c} type="text" className="mono" autoComplete="off" spellCheck={false} value={code} onChange={(e) => setCode(e.target.value)} />}
        </Field>
        <button type="submit" className="btn" disabled={byCode.loading}>
          {byCode.loading ? 'Claiming…' : 'Claim this code'}
        </button>
      </form>
    </section>
  );
}
