import type { Metadata } from 'next';
import { RegisterForm } from '@/features/auth/register-form';

export const metadata: Metadata = { title: 'Create an account' };

export default function RegisterPage() {
  return (
    <main className="auth-page" id="main">
      <p className="auth-page__brand">
        <span className="shell__logo" aria-hidden="true">
          %
        </span>
        Coupon Books
      </p>
      <RegisterForm />
    </main>
  );
}
