'use client';

import Link from 'next/link';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { BookOption } from '@/components/book-picker/book-combobox';
import { BookPicker } from '@/components/book-picker/book-picker';
import { Button } from '@/components/controls/button';
import { couponCodeSchema, INPUT_LIMITS } from '@coupons/rules';
import { CharCounter } from '@/components/forms/char-counter';
import { Field } from '@/components/forms/field';
import { RadioGroup, type RadioOption } from '@/components/forms/radio-group';
import { useToast } from '@/components/toast/toast-provider';
import { describeError } from '@/lib/errors/describe-error';
import { formatCount, STATE_LABELS } from '@/lib/format/format';
import { newIdempotencyKey } from '@/lib/ids/idempotency-key';
import { type AssignTarget, useAssignCoupon, useAssignPreview } from './use-assign-coupon';

type Mode = 'RANDOM' | 'CODE';

const MODES: ReadonlyArray<RadioOption<Mode>> = [
  { value: 'RANDOM', label: 'A random code from a book', hint: 'the next free code of the book, as a claim would pick it' },
  { value: 'CODE', label: 'This code', hint: 'a code you have at hand; it must be free' },
];

/** What Preview found: who gets what, and whether it can go ahead. */
interface Plan {
  user: AssignTarget;
  mode: Mode;
  /** RANDOM: the book; CODE: the code. */
  bookId?: string;
  code?: string;
  /** What will happen, in words. */
  summary: string;
  /** Why it cannot go ahead, or null. */
  blocker: string | null;
  /** One key per previewed plan: a retried Confirm gives the first answer, not a second coupon. */
  idempotencyKey: string;
}

interface AssignCouponPanelProps {
  /** The user to give a coupon to (a user's page); without it the admin names one (a book's page). */
  user?: AssignTarget;
  /** The book to start from (a book's page). */
  book?: BookOption;
  /** Inside another card (a user's page): no card of its own. */
  embedded?: boolean;
}

/**
 * Give one user a coupon: a random code of a book or a chosen code. Preview first (nothing
 * changes: what the user would get, or why not), then Confirm.
 */
export function AssignCouponPanel({ user, book: startBook, embedded = false }: AssignCouponPanelProps) {
  const toast = useToast();
  const previewer = useAssignPreview();
  const { assignCode, assignRandom, busy } = useAssignCoupon();
  const [mode, setMode] = useState<Mode>('RANDOM');
  const [book, setBook] = useState<BookOption | null>(startBook ?? null);
  const [code, setCode] = useState('');
  const [who, setWho] = useState('');
  const [errors, setErrors] = useState<{ book?: string; code?: string; who?: string }>({});
  const [plan, setPlan] = useState<Plan | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [given, setGiven] = useState<{ code: string; user: string } | null>(null);
  const previewHeading = useRef<HTMLHeadingElement>(null);
  const idBase = useId();

  useEffect(() => {
    if (plan) previewHeading.current?.focus();
  }, [plan]);

  async function preview(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: typeof errors = {};
    if (!user && !who.trim()) found.who = 'Enter the user’s email or customer id.';
    if (mode === 'RANDOM' && !book) found.book = 'Choose a book.';
    if (mode === 'CODE') {
      // The API's own rule for a code (the shared schema), so a typo is named before any request.
      const checked = couponCodeSchema.safeParse(code);
      if (!checked.success) found.code = checked.error.issues[0]?.message ?? 'Enter the code.';
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setPreviewing(true);
    setGiven(null);
    try {
      const target = user ?? (await previewer.user(who));
      if (!target) {
        setErrors({ who: 'No user has this email or customer id.' });
        return;
      }
      const key = newIdempotencyKey();
      if (mode === 'RANDOM' && book) {
        const found = await previewer.book(book.id);
        const left = found?.counts.unassigned ?? 0;
        const blocker = !found ? 'The book is gone.' : left === 0 ? 'The book has no code left.' : !found.isActive ? 'The book is not serving coupons now.' : null;
        const limit = found?.maxAssignmentsPerUser ? ` A user may hold at most ${formatCount(found.maxAssignmentsPerUser)} of its codes.` : '';
        setPlan({ user: target, mode, bookId: book.id, summary: `${target.name} gets one random code of ${book.name} (${formatCount(left)} left).${limit}`, blocker, idempotencyKey: key });
      } else {
        const wanted = code.trim().toUpperCase();
        const coupon = await previewer.coupon(wanted);
        const holder = coupon?.user ? (coupon.user.email ?? `Customer ${coupon.user.externalId}`) : null;
        const blocker = !coupon
          ? `There is no coupon ${wanted}.`
          : coupon.state !== 'UNASSIGNED'
            ? `${coupon.code} is ${(STATE_LABELS[coupon.state] ?? coupon.state).toLowerCase()}${holder ? ` (held by ${holder})` : ''}: only a free code can be given.`
            : coupon.book && !coupon.book.isActive
              ? `Its book, ${coupon.book.name}, is not serving coupons now.`
              : null;
        setPlan({ user: target, mode, code: coupon?.code ?? wanted, summary: `${target.name} gets ${coupon?.code ?? wanted}${coupon?.book ? ` of ${coupon.book.name}` : ''}.`, blocker, idempotencyKey: key });
      }
    } catch (failure) {
      toast.error(failure, 'Could not preview');
    } finally {
      setPreviewing(false);
    }
  }

  async function confirm() {
    if (!plan || plan.blocker) return;
    try {
      const coupon =
        plan.mode === 'RANDOM' && plan.bookId
          ? await assignRandom(plan.bookId, plan.user.id, plan.idempotencyKey)
          : await assignCode(plan.code ?? '', plan.user.id, plan.idempotencyKey);
      if (coupon) {
        toast.success(`${coupon.code} given to ${plan.user.name}.`, 'Coupon assigned');
        setGiven({ code: coupon.code, user: plan.user.name });
        setPlan(null);
        setCode('');
      }
    } catch (failure) {
      setPlan({ ...plan, blocker: describeError(failure).message });
    }
  }

  const title = user ? `Give ${user.name} a coupon` : 'Give a user a coupon';
  return (
    <section className={embedded ? undefined : 'card'} aria-labelledby={`${idBase}-title`}>
      {embedded ? <h3 id={`${idBase}-title`}>{title}</h3> : <h2 id={`${idBase}-title`}>{title}</h2>}
      {plan ? (
        <div>
          <h4 ref={previewHeading} tabIndex={-1}>
            Preview: nothing is assigned yet
          </h4>
          <p data-testid="assign-preview">{plan.summary}</p>
          {plan.blocker ? (
            <p className="notice notice--warning" role="alert">
              {plan.blocker}
            </p>
          ) : null}
          <div className="form__actions">
            <Button variant="primary" onClick={() => void confirm()} disabled={busy || plan.blocker !== null}>
              {busy ? 'Assigning…' : 'Confirm and assign'}
            </Button>
            <Button onClick={() => setPlan(null)} disabled={busy}>
              Back
            </Button>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={preview} noValidate>
          {user ? null : (
            <Field id={`${idBase}-who`} label="User’s email or customer id" error={errors.who}>
              {(c) => <input {...c} type="text" autoComplete="off" value={who} onChange={(e) => setWho(e.target.value)} />}
            </Field>
          )}
          <RadioGroup legend="Which coupon" name={`${idBase}-mode`} value={mode} onChange={setMode} options={MODES} />
          {mode === 'RANDOM' ? (
            <Field id={`${idBase}-book`} label="Book to assign from" error={errors.book}>
              {(c) => <BookPicker {...c} value={book} onChange={setBook} />}
            </Field>
          ) : (
            <Field id={`${idBase}-code`} label="Code to assign" hint={<CharCounter value={code.trim()} max={INPUT_LIMITS.code} />} error={errors.code}>
              {(c) => <input {...c} type="text" className="mono" autoComplete="off" spellCheck={false} value={code} onChange={(e) => setCode(e.target.value)} />}
            </Field>
          )}
          <Button type="submit" disabled={previewing}>
            {previewing ? 'Preparing preview…' : 'Preview assignment'}
          </Button>
        </form>
      )}
      {given ? (
        <p className="notice notice--info" role="status">
          <Link href={`/coupons/${encodeURIComponent(given.code)}`} className="mono">
            {given.code}
          </Link>{' '}
          is now {given.user}’s.
        </p>
      ) : null}
    </section>
  );
}
