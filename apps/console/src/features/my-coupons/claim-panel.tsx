'use client';

import { type FormEvent, useState } from 'react';
import { Button } from '@/components/controls/button';
import { Field } from '@/components/forms/field';
import { useToast } from '@/components/toast/toast-provider';
import { formatDiscount } from '@/lib/format/format';
import { useClaimableBooks, useClaimCoupon } from './use-claim-coupon';

/** Get a coupon: a random one from a book, or a specific code someone gave you. */
export function ClaimPanel() {
  const toast = useToast();
  const books = useClaimableBooks();
  const { claimRandom, claimByCode, claimingRandom, claimingByCode } = useClaimCoupon();
  const [bookId, setBookId] = useState('');
  const [bookError, setBookError] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const options = books.books;

  /** Runs one claim and says how it went; resolves to the coupon, or null when it failed. */
  async function claimWith(claim: () => Promise<{ code: string } | null>, failureTitle: string) {
    try {
      const coupon = await claim();
      if (coupon) toast.success(`${coupon.code} is yours.`, 'Coupon claimed');
      return coupon;
    } catch (failure) {
      toast.error(failure, failureTitle);
      return null;
    }
  }

  async function submitRandom(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBookError(bookId ? null : 'Choose a book.');
    if (bookId) await claimWith(() => claimRandom(bookId), 'Could not claim a coupon');
  }

  async function submitCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = code.trim();
    setCodeError(trimmed ? null : 'Enter the code.');
    if (trimmed && (await claimWith(() => claimByCode(trimmed), `Could not claim ${trimmed.toUpperCase()}`))) setCode('');
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
        <Button variant="primary" type="submit" disabled={claimingRandom}>
          {claimingRandom ? 'Claiming…' : 'Claim a coupon'}
        </Button>
      </form>
      <form className="form" onSubmit={submitCode} noValidate>
        <Field id="claim-code" label="Have a code?" error={codeError}>
          {(c) => <input {...c} type="text" className="mono" autoComplete="off" spellCheck={false} value={code} onChange={(e) => setCode(e.target.value)} />}
        </Field>
        <Button type="submit" disabled={claimingByCode}>
          {claimingByCode ? 'Claiming…' : 'Claim this code'}
        </Button>
      </form>
    </section>
  );
}
