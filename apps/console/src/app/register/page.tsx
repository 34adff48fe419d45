import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthPage, authCardClass, authSwitchClass } from '@/features/auth/auth-page';
import { RegisterForm } from '@/features/auth/register-form';
import { readPublicConsoleConfig } from '@/lib/config/server-config';

export const metadata: Metadata = { title: 'Create an account' };

// REGISTRATION is read at request time, like the rest of the runtime config.
export const dynamic = 'force-dynamic';

export default function RegisterPage() {
  if (readPublicConsoleConfig().registration === 'closed') {
    return (
      <AuthPage>
        <section className={authCardClass} aria-labelledby="register-title">
          <h1 id="register-title">Registration is closed</h1>
          <p className="notice" role="status">
            Accounts are created by the shop. Ask your administrator for one.
          </p>
          <p className={authSwitchClass}>
            Already registered? <Link href="/sign-in">Sign in</Link>
          </p>
        </section>
      </AuthPage>
    );
  }
  return (
    <AuthPage>
      <RegisterForm />
    </AuthPage>
  );
}
