'use client';

import type { ReactNode } from 'react';
import { ButtonLink } from '@/components/controls/button';
import { StatusPage } from '@/components/feedback/status-page';
import { useSession } from '@/lib/auth/session-context';

/**
 * Admin pages render a 403 page for anyone else. The API enforces the same rule (FORBIDDEN); this
 * only spares a USER a page full of errors.
 */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const { session } = useSession();
  if (!session) return null;
  if (session.user.role !== 'ADMIN') return <ForbiddenPage />;
  return <>{children}</>;
}

export function ForbiddenPage() {
  return (
    <StatusPage code="403" title="Admins only" titleId="forbidden-title">
      <p>This page is for administrators. Your account can see and use its own coupons.</p>
      <ButtonLink variant="primary" href="/my-coupons">
        Go to my coupons
      </ButtonLink>
    </StatusPage>
  );
}
