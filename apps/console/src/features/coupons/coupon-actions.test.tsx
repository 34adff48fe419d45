import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '@/components/toast/toast-provider';
import { CouponActions } from './coupon-actions';

const noop = async () => {};

describe('CouponActions in a table row (compact)', () => {
  it('names each button with its code and renders no dialog until asked, so rows do not repeat ids', async () => {
    const unassign = vi.fn(noop);
    render(
      <ToastProvider>
        <CouponActions compact code="SPRING-1" state="ASSIGNED" busy={false} voidCoupon={noop} unassignCoupon={unassign} />
        <CouponActions compact code="SPRING-2" state="ASSIGNED" busy={false} voidCoupon={noop} unassignCoupon={noop} />
      </ToastProvider>,
    );
    expect(screen.getByRole('button', { name: 'Void SPRING-1' })).toBeTruthy();
    expect(document.querySelectorAll('#coupon-action-reason')).toHaveLength(0);
    await userEvent.click(screen.getByRole('button', { name: 'Unassign SPRING-1' }));
    expect(document.querySelectorAll('#coupon-action-reason')).toHaveLength(1);
    await userEvent.type(screen.getByLabelText('Reason (required)'), 'by mistake');
    await userEvent.click(screen.getByRole('button', { name: 'Unassign coupon' }));
    expect(unassign).toHaveBeenCalledWith('by mistake');
  });

  it('offers nothing for a void coupon and no Unassign for a free one', () => {
    const { container } = render(
      <ToastProvider>
        <CouponActions compact code="V-1" state="VOID" busy={false} voidCoupon={noop} unassignCoupon={noop} />
        <CouponActions compact code="F-1" state="UNASSIGNED" busy={false} voidCoupon={noop} unassignCoupon={noop} />
      </ToastProvider>,
    );
    expect(screen.queryByRole('button', { name: /V-1/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Unassign F-1' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Void F-1' })).toBeTruthy();
    expect(container.textContent).not.toContain('This coupon is void');
  });

  it('offers Unlock on a locked coupon: a confirmation with an optional reason', async () => {
    const unlock = vi.fn(async (_reason: string | null) => {});
    render(
      <ToastProvider>
        <CouponActions compact code="L-1" state="LOCKED" busy={false} voidCoupon={noop} unassignCoupon={noop} unlockCoupon={unlock} />
        <CouponActions compact code="A-1" state="ASSIGNED" busy={false} voidCoupon={noop} unassignCoupon={noop} unlockCoupon={unlock} />
      </ToastProvider>,
    );
    expect(screen.queryByRole('button', { name: 'Unlock A-1' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Unlock L-1' }));
    expect(screen.getByText('Release this lock?')).toBeTruthy();
    expect(unlock).not.toHaveBeenCalled();
    expect(screen.getByText('0 of 500 characters')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Unlock coupon' }));
    expect(unlock).toHaveBeenCalledWith(null);
    expect(await screen.findByText('L-1 unlocked.')).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Unlock L-1' }));
    await userEvent.type(screen.getByLabelText('Reason (optional)'), 'checkout hung');
    await userEvent.click(screen.getByRole('button', { name: 'Unlock coupon' }));
    expect(unlock).toHaveBeenLastCalledWith('checkout hung');
  });

  it('keeps the dialog open with the error in words when the unlock fails', async () => {
    const failing = vi.fn(async () => {
      throw new Error('Only a LOCKED coupon can be unlocked; this one is ASSIGNED');
    });
    render(
      <ToastProvider>
        <CouponActions compact code="L-2" state="LOCKED" busy={false} voidCoupon={noop} unassignCoupon={noop} unlockCoupon={failing} />
      </ToastProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Unlock L-2' }));
    await userEvent.click(screen.getByRole('button', { name: 'Unlock coupon' }));
    expect(await screen.findByText(/this one is ASSIGNED/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Unlock coupon' })).toBeTruthy();
  });

  it('keeps a pasted over-long reason whole, says so, and does not send it', async () => {
    const voidIt = vi.fn(noop);
    render(
      <ToastProvider>
        <CouponActions compact code="R-1" state="ASSIGNED" busy={false} voidCoupon={voidIt} unassignCoupon={noop} />
      </ToastProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Void R-1' }));
    fireEvent.change(screen.getByLabelText('Reason (required)'), { target: { value: 'r'.repeat(501) } });
    expect(screen.getByText('501 of 500 characters: 1 too many')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Void coupon' }));
    expect(await screen.findByText('Keep the reason to 500 characters: it has 501.')).toBeTruthy();
    expect(voidIt).not.toHaveBeenCalled();
  });
});
