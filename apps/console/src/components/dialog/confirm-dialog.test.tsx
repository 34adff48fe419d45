import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useRef, useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ConfirmDialog } from './confirm-dialog';

function ReasonDialog({ onConfirm }: { onConfirm(reason: string): void }) {
  const [reason, setReason] = useState('');
  const field = useRef<HTMLInputElement>(null);
  return (
    <ConfirmDialog open title="Void SPRING-1?" confirmLabel="Void" confirmDisabled={!reason} initialFocus={field} onConfirm={() => onConfirm(reason)} onCancel={() => {}}>
      <label htmlFor="reason">Reason</label>
      <input id="reason" ref={field} value={reason} onChange={(e) => setReason(e.target.value)} />
    </ConfirmDialog>
  );
}

describe('ConfirmDialog', () => {
  it('starts on the field it asks for, and confirms only once it is filled in', async () => {
    const confirmed = vi.fn();
    render(<ReasonDialog onConfirm={confirmed} />);
    const dialog = screen.getByRole('alertdialog', { name: 'Void SPRING-1?' });
    expect(dialog).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Reason'));
    const confirm = screen.getByRole('button', { name: 'Void' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await userEvent.type(screen.getByLabelText('Reason'), 'leaked');
    expect(confirm.disabled).toBe(false);
    await userEvent.click(confirm);
    expect(confirmed).toHaveBeenCalledWith('leaked');
  });

  it('starts on Cancel, the safe choice, when it asks for nothing', () => {
    render(
      <ConfirmDialog open title="Archive?" confirmLabel="Archive" onConfirm={() => {}} onCancel={() => {}}>
        <p>It leaves the list.</p>
      </ConfirmDialog>,
    );
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
  });
});
