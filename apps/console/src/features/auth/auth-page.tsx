import type { ReactNode } from 'react';
import { BrandLogo } from '@/components/brand/brand-logo';
import styles from './auth-page.module.css';

/** The frame of the sign-in and registration pages: the brand above one card. */
export function AuthPage({ children }: { children: ReactNode }) {
  return (
    <main className={styles.page} id="main">
      <p className={styles.brand}>
        <BrandLogo />
        Coupon Books
      </p>
      {children}
    </main>
  );
}

/** The card's own classes, for the forms that are the card. */
export const authCardClass = `card ${styles.card}`;
export const authSwitchClass = styles.switch;
