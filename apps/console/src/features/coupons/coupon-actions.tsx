'use client';

import { useRef, useState } from 'react';
import { Button } from '@/components/controls/button';
import { ConfirmDialog } from '@/components/dialog/confirm-dialog';
import { useToast } from '@/components/toast/toast-provider';
import type { CouponState } from '@/gql/graphql';
import { describeError } from '@/lib/errors/describe-error';
import styles from './coupon-page.module.css';

type Action = 'void' | 'unassign';

const DIALOGS: Record<Action, { title: string; confirm: string; busy: string; body: string; done: string }> = {
  void: {
    title: 'Void this coupon?',
    confirm: 'Void coupon',
    busy: 'Voiding…',
    body: 'The code stops working at once, for good: a checkout holding it loses its lock, and it can never be claimed, locked or redeemed again.',
    done: 'voided',
  },
  unassign: {
    title: 'Take this coupon back?',
    confirm: 'Unassign coupon',
    busy: 'Unassigning…',
    body: 'The coupon leaves its owner and goes back to the book, where it can be given out again. Its history stays.',
    done: 'taken back into its book',
  },
};

interface CouponActionsProps {
  code: string;
  state: CouponState;
  busy: boolean;
  voidCoupon(reason: string): Promise<void>;
  unassignCoupon(reason: string): Promise<void>;
  /** In a table row: small buttons named with the code, nothing for a void coupon. */
  compact?: boolean;
}

/** Void (any coupon not void) and Unassign (ASSIGNED or LOCKED), each asking for a reason and a confirmation. */
export function CouponActions({ code, state, busy, voidCoupon, unassignCoupon, compact = false }: CouponActionsProps) {
  const toast = useToast();
  const [asking, setAsking] = useState<Action | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);

  const ask = (action: Action) => {
    setReason('');
    setError(null);
    setAsking(action);
  };
  const close = () => {
    setAsking(null);
    setError(null);
  };

  async function confirm() {
    if (!asking) return;
    const given = reason.trim();
    if (!given) {
      setError('Give a reason: it is kept in the coupon’s history.');
      reasonField.current?.focus();
      return;
    }
    try {
      await (asking === 'void' ? voidCoupon(given) : unassignCoupon(given));
      toast.success(`${code} ${DIALOGS[asking].done}.`);
      close();
    } catch (failure) {
      setError(describeError(failure).message);
    }
  }

  if (state === 'VOID') return compact ? null : <p className="muted">This coupon is void: nothing more can be done with it.</p>;
  const size = compact ? 'small' : undefined;
  const dialog = asking ? DIALOGS[asking] : null;
  return (
    <div className={styles.actions}>
      {state === 'ASSIGNED' || state === 'LOCKED' ? (
        <Button size={size} onClick={() => ask('unassign')} aria-label={compact ? `Unassign ${code}` : undefined}>
          {compact ? 'Unassign' : 'Unassign…'}
        </Button>
      ) : null}
      <Button variant="danger" size={size} onClick={() => ask('void')} aria-label={compact ? `Void ${code}` : undefined}>
        {compact ? 'Void' : 'Void…'}
      </Button>
      {/* Rendered only while asking: a table has one of these per row, and the reason field's id must be unique. */}
      {dialog ? (
      <ConfirmDialog
        open
        title={dialog?.title ?? ''}
        confirmLabel={dialog?.confirm ?? ''}
        busyLabel={dialog?.busy}
        busy={busy}
        error={error}
        confirmDisabled={reason.trim() === ''}
        initialFocus={reasonField}
        onConfirm={() => void confirm()}
        onCancel={close}
      >
        <p>{dialog?.body}</p>
        <div className={`field ${styles.reasonField}`}>
          <label className="field__label" htmlFor="coupon-action-reason">
            Reason (required)
          </label>
          <textarea
            ref={reasonField}
            id="coupon-action-reason"
            rows={2}
            required
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-describedby="coupon-action-reason-hint"
          />
          <p className="field__hint" id="coupon-action-reason-hint">
            Kept in the coupon’s history and the audit log.
          </p>
        </div>
      </ConfirmDialog>
      ) : null}
    </div>
  );
}
