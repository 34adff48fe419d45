import type { Metadata } from 'next';
import { AuthPage } from '@/features/auth/auth-page';
import { RegisterForm } from '@/features/auth/register-form';

export const metadata: Metadata = { title: 'Create an account' };

export default function RegisterPage() {
  return (
    <AuthPage>
      <RegisterForm />
    </AuthPage>
  );
}
