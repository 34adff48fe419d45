import type { Metadata } from 'next';
import { Suspense } from 'react';
import { SignInForm } from '@/features/auth/sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default function SignInPage() {
  return (
    <main className="auth-page" id="main">
      <p className="auth-page__brand">
        <span className="shell__logo" aria-hidden="true">
          %
        </span>
        Coupon Books
      </p>
      <Suspense>
        <SignInForm />
      </Suspense>
    </main>
  );
}
