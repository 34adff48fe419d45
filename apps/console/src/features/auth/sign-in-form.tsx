'use client';

import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { type FormEvent, useEffect, useState } from 'react';
import { Button } from '@/components/controls/button';
import { Field } from '@/components/forms/field';
import { useSession } from '@/lib/auth/session-context';
import { describeError } from '@/lib/errors/describe-error';
import { authCardClass, authSwitchClass } from './auth-page';
import { safeNextPath } from './safe-next-path';
import { useLogin } from './use-auth';
import { ErrorDetails } from '@/components/feedback/error-details';

const REASONS: Record<string, string> = {
  expired: 'Your session has expired. Sign in again to continue.',
  'signed-out': 'You have signed out.',
};

export function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const { session, signIn } = useSession();
  const { login, loading } = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const reason = REASONS[params.get('reason') ?? ''];

  // Already signed in (another tab of this session, the back button): go where sign-in would.
  useEffect(() => {
    if (session) router.replace(safeNextPath(params.get('next')));
  }, [session, router, params]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    try {
      const started = await login(email.trim(), password);
      // The effect above navigates once the session is set.
      signIn(started.token, started.user, started.expiresAt);
    } catch (failure) {
      const described = describeError(failure);
      // Signing in, UNAUTHENTICATED means the pair did not match (not an ended session).
      setError({ code: described.code, message: described.code === 'UNAUTHENTICATED' ? 'Wrong email or password.' : described.message });
    }
  }

  return (
    <form className={authCardClass} onSubmit={submit} noValidate aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      {reason ? (
        <p className={`notice ${params.get('reason') === 'expired' ? 'notice--warning' : 'notice--info'}`} role="status">
          {reason}
        </p>
      ) : null}
      {error ? (
        <div className="notice notice--error" role="alert">
          {error.message} <ErrorDetails code={error.code} />
        </div>
      ) : null}
      <Field id="sign-in-email" label="Email">
        {(control) => (
          <input {...control} type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        )}
      </Field>
      <Field id="sign-in-password" label="Password">
        {(control) => (
          <input
            {...control}
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" variant="primary" block disabled={loading || !email || !password}>
        {loading || session ? 'Signing in…' : 'Sign in'}
      </Button>
      <p className={authSwitchClass}>
        New here? <Link href="/register">Create an account</Link>
      </p>
    </form>
  );
}
