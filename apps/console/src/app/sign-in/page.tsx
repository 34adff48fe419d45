import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AuthPage } from '@/features/auth/auth-page';
import { SignInForm } from '@/features/auth/sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default function SignInPage() {
  return (
    <AuthPage>
      <Suspense>
        <SignInForm />
      </Suspense>
    </AuthPage>
  );
}
