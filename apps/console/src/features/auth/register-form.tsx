'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { Button } from '@/components/controls/button';
import { Field } from '@/components/forms/field';
import { useSession } from '@/lib/auth/session-context';
import { describeError } from '@/lib/errors/describe-error';
import { authCardClass, authSwitchClass } from './auth-page';
import { useRegister } from './use-auth';

const MIN_PASSWORD = 8;

interface Errors {
  email?: string;
  password?: string;
  confirm?: string;
  form?: { code: string; message: string };
}

export function RegisterForm() {
  const router = useRouter();
  const { signIn } = useSession();
  const { register, loading } = useRegister();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Errors>({});

  function validate(): Errors {
    const found: Errors = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) found.email = 'Enter an email address like name@example.com.';
    if (password.length < MIN_PASSWORD) found.password = `Use at least ${MIN_PASSWORD} characters.`;
    if (confirm !== password) found.confirm = 'The passwords do not match.';
    return found;
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    try {
      const started = await register(email.trim(), password);
      signIn(started.token, started.user, started.expiresAt);
      router.replace('/');
    } catch (failure) {
      const described = describeError(failure);
      if (described.field === 'email' || /email/i.test(described.message)) setErrors({ email: described.message });
      else if (described.field === 'password') setErrors({ password: described.message });
      else setErrors({ form: { code: described.code, message: described.message } });
    }
  }

  return (
    <form className={authCardClass} onSubmit={submit} noValidate aria-labelledby="register-title">
      <h1 id="register-title">Create an account</h1>
      {errors.form ? (
        <p className="notice notice--error" role="alert">
          <code>{errors.form.code}</code> {errors.form.message}
        </p>
      ) : null}
      <Field id="register-email" label="Email" error={errors.email}>
        {(control) => <input {...control} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
      </Field>
      <Field id="register-password" label="Password" hint={`At least ${MIN_PASSWORD} characters.`} error={errors.password}>
        {(control) => (
          <input {...control} type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        )}
      </Field>
      <Field id="register-confirm" label="Repeat password" error={errors.confirm}>
        {(control) => (
          <input {...control} type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        )}
      </Field>
      <Button type="submit" variant="primary" block disabled={loading}>
        {loading ? 'Creating account…' : 'Create account'}
      </Button>
      <p className={authSwitchClass}>
        Already registered? <Link href="/sign-in">Sign in</Link>
      </p>
    </form>
  );
}
