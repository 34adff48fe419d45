'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { LoadingState } from '@/components/feedback/states';
import { useSession } from '@/lib/auth/session-context';

/** The front door: admins land on their books, users on their coupons, strangers on sign-in. */
export default function HomePage() {
  const { session, restoring } = useSession();
  const router = useRouter();
  useEffect(() => {
    if (restoring) return; // the refresh cookie may still give this tab a session
    if (!session) router.replace('/sign-in');
    else router.replace(session.user.role === 'ADMIN' ? '/books' : '/my-coupons');
  }, [session, restoring, router]);
  return <LoadingState label="Opening the console…" />;
}
