'use client';

import { type FormEvent, useState } from 'react';
import { Button } from '@/components/controls/button';
import { couponCodeSchema, INPUT_LIMITS } from '@coupons/rules';
import { CharCounter } from '@/components/forms/char-counter';
import { Field } from '@/components/forms/field';
import { useToast } from '@/components/toast/toast-provider';
import type { BookOption } from '@/components/book-picker/book-combobox';
import { BookPicker } from '@/components/book-picker/book-picker';
import { useClaimCoupon } from './use-claim-coupon';

/** Get a coupon: a random one from a book, or a specific code someone gave you. */
export function ClaimPanel() {
  const toast = useToast();
  const { claimRandom, claimByCode, claimingRandom, claimingByCode } = useClaimCoupon();
  const [book, setBook] = useState<BookOption | null>(null);
  const [bookError, setBookError] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);

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
    setBookError(book ? null : 'Choose a book.');
    if (book) await claimWith(() => claimRandom(book.id), 'Could not claim a coupon');
  }

  async function submitCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // The API's own rule for a code (the shared schema): a typo is named here, before it costs a guess.
    const checked = couponCodeSchema.safeParse(code);
    setCodeError(checked.success ? null : (checked.error.issues[0]?.message ?? 'Enter the code.'));
    if (checked.success && (await claimWith(() => claimByCode(checked.data), `Could not claim ${checked.data}`))) setCode('');
  }

  return (
    <section className="card" aria-labelledby="claim-title">
      <h2 id="claim-title">Get a coupon</h2>
      <form className="form" onSubmit={submitRandom} noValidate>
        <Field id="claim-book" label="From a book" error={bookError}>
          {(c) => <BookPicker {...c} value={book} onChange={setBook} hideUnavailable />}
        </Field>
        <Button variant="primary" type="submit" disabled={claimingRandom}>
          {claimingRandom ? 'Claiming…' : 'Claim a coupon'}
        </Button>
      </form>
      <form className="form" onSubmit={submitCode} noValidate>
        <Field id="claim-code" label="Have a code?" hint={<CharCounter value={code.trim()} max={INPUT_LIMITS.code} />} error={codeError}>
          {(c) => <input {...c} type="text" className="mono" autoComplete="off" spellCheck={false} value={code} onChange={(e) => setCode(e.target.value)} />}
        </Field>
        <Button type="submit" disabled={claimingByCode}>
          {claimingByCode ? 'Claiming…' : 'Claim this code'}
        </Button>
      </form>
    </section>
  );
}
