import type { ReactNode } from 'react';
import { Button } from '@/components/controls/button';

interface SubmitActionsProps {
  /** What the button says, and what it says while the form is being sent ("Saving…"). */
  label: string;
  busyLabel: string;
  busy: boolean;
  /** Also disabled when there is nothing to send. */
  disabled?: boolean;
  /** The other actions beside it (Cancel …). */
  children?: ReactNode;
}

/** A form's actions row: its primary submit button, which says what it is doing while `busy`, then any others. */
export function SubmitActions({ label, busyLabel, busy, disabled = false, children }: SubmitActionsProps) {
  return (
    <div className="form__actions">
      <Button variant="primary" type="submit" disabled={busy || disabled}>
        {busy ? busyLabel : label}
      </Button>
      {children}
    </div>
  );
}
