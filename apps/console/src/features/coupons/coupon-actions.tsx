'use client';

import { useMutation } from '@apollo/client/react';
import { useRef, useState } from 'react';
import { Button } from '@/components/controls/button';
import { ConfirmDialog } from '@/components/dialog/confirm-dialog';
import { INPUT_LIMITS } from '@coupons/rules';
import { CharCounter } from '@/components/forms/char-counter';
import { useToast } from '@/components/toast/toast-provider';
import type { CouponState } from '@/gql/graphql';
import { describeError } from '@/lib/errors/describe-error';
import styles from './coupon-page.module.css';
import { ForceUnlockCouponMutation } from './use-coupon';

type Action = 'void' | 'unassign' | 'unlock';

/** The server's limit on a reason (voidCoupon, unassignCoupon, forceUnlockCoupon). */
const REASON_MAX = INPUT_LIMITS.reason;

const DIALOGS: Record<Action, { title: string; confirm: string; busy: string; body: string; done: string; reasonRequired: boolean }> = {
  void: {
    title: 'Void this coupon?',
    confirm: 'Void coupon',
    busy: 'Voiding…',
    body: 'The code stops working at once, for good: a checkout holding it loses its lock, and it can never be claimed, locked or redeemed again.',
    done: 'voided',
    reasonRequired: true,
  },
  unassign: {
    title: 'Take this coupon back?',
    confirm: 'Unassign coupon',
    busy: 'Unassigning…',
    body: 'The coupon leaves its owner and goes back to the book, where it can be given out again. Its history stays.',
    done: 'taken back into its book',
    reasonRequired: true,
  },
  unlock: {
    title: 'Release this lock?',
    confirm: 'Unlock coupon',
    busy: 'Unlocking…',
    body: 'The checkout holding this coupon loses its lock at once. The owner keeps the coupon and can lock it again.',
    done: 'unlocked',
    reasonRequired: false,
  },
};

interface CouponActionsProps {
  code: string;
  state: CouponState;
  busy: boolean;
  voidCoupon(reason: string): Promise<void>;
  unassignCoupon(reason: string): Promise<void>;
  /** Releases the lock (LOCKED only); the reason may be null. Without it, the action calls forceUnlockCoupon itself. */
  unlockCoupon?(reason: string | null): Promise<void>;
  /** In a table row: small buttons named with the code, nothing for a void coupon. */
  compact?: boolean;
}

/**
 * Unlock (LOCKED), Unassign (ASSIGNED or LOCKED) and Void (any coupon not void), each asking for
 * a confirmation; Void and Unassign also for a reason, Unlock takes one if given.
 */
export function CouponActions(props: CouponActionsProps) {
  if (props.state === 'LOCKED' && !props.unlockCoupon) return <WithForceUnlock {...props} />;
  return <CouponActionButtons {...props} />;
}

/** A row that is given no unlock of its own (the book's coupon table) calls forceUnlockCoupon here. */
function WithForceUnlock(props: CouponActionsProps) {
  const [unlock, unlocking] = useMutation(ForceUnlockCouponMutation);
  return (
    <CouponActionButtons
      {...props}
      busy={props.busy || unlocking.loading}
      unlockCoupon={async (reason) => void (await unlock({ variables: { code: props.code, reason } }))}
    />
  );
}

function CouponActionButtons({ code, state, busy, voidCoupon, unassignCoupon, unlockCoupon, compact = false }: CouponActionsProps) {
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
    if (!given && DIALOGS[asking].reasonRequired) {
      setError('Give a reason: it is kept in the coupon’s history.');
      reasonField.current?.focus();
      return;
    }
    if (given.length > REASON_MAX) {
      setError(`Keep the reason to ${REASON_MAX} characters: it has ${given.length}.`);
      reasonField.current?.focus();
      return;
    }
    try {
      if (asking === 'void') await voidCoupon(given);
      else if (asking === 'unassign') await unassignCoupon(given);
      else await unlockCoupon?.(given || null);
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
      {state === 'LOCKED' && unlockCoupon ? (
        <Button size={size} onClick={() => ask('unlock')} aria-label={compact ? `Unlock ${code}` : undefined}>
          {compact ? 'Unlock' : 'Unlock…'}
        </Button>
      ) : null}
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
          title={dialog.title}
          confirmLabel={dialog.confirm}
          busyLabel={dialog.busy}
          busy={busy}
          error={error}
          confirmDisabled={dialog.reasonRequired && reason.trim() === ''}
          tone={asking === 'unlock' ? 'primary' : 'danger'}
          initialFocus={reasonField}
          onConfirm={() => void confirm()}
          onCancel={close}
        >
          <p>{dialog.body}</p>
          <div className={`field ${styles.reasonField}`}>
            <label className="field__label" htmlFor="coupon-action-reason">
              {dialog.reasonRequired ? 'Reason (required)' : 'Reason (optional)'}
            </label>
            <textarea
              ref={reasonField}
              id="coupon-action-reason"
              rows={2}
              required={dialog.reasonRequired}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-describedby="coupon-action-reason-hint coupon-action-reason-count"
            />
            <p className="field__hint" id="coupon-action-reason-hint">
              Kept in the coupon’s history and the audit log.
            </p>
            <p className="field__hint" id="coupon-action-reason-count">
              <CharCounter value={reason} max={REASON_MAX} />
            </p>
          </div>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
