'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { BrandLogo } from '@/components/brand/brand-logo';
import { Badge } from '@/components/controls/badge';
import { Button } from '@/components/controls/button';
import { LoadingState } from '@/components/feedback/states';
import { currentPage, signInPath, useSession } from '@/lib/auth/session-context';
import { getEndedReason, type Role } from '@/lib/auth/session-store';
import { useCurrentUser } from '../auth/use-auth';
import { CouponSearch } from '../coupons/coupon-search';
import styles from './console-shell.module.css';
import { useFocusOnNavigation } from './use-focus-on-navigation';

interface NavItem {
  href: string;
  label: string;
  roles: Role[];
}

const NAV: NavItem[] = [
  { href: '/books', label: 'Books', roles: ['ADMIN'] },
  { href: '/pools', label: 'Pools', roles: ['ADMIN'] },
  { href: '/users', label: 'Users', roles: ['ADMIN'] },
  { href: '/live', label: 'Live', roles: ['ADMIN'] },
  { href: '/api-keys', label: 'API keys', roles: ['ADMIN'] },
  { href: '/webhooks', label: 'Webhooks', roles: ['ADMIN'] },
  { href: '/audit', label: 'Audit', roles: ['ADMIN'] },
  { href: '/my-coupons', label: 'My coupons', roles: ['ADMIN', 'USER'] },
];

/** The signed-in frame: header, role-aware navigation, and the guard that sends strangers to sign-in. */
export function ConsoleShell({ children }: { children: ReactNode }) {
  const { session, restoring, signOut, updateUser } = useSession();
  const router = useRouter();
  const pathname = usePathname();
  const [signingOut, setSigningOut] = useState(false);
  const main = useRef<HTMLElement>(null);
  useFocusOnNavigation(main);
  // Narrow screens: the navigation, search and account fold behind a Menu button.
  const [menuOpen, setMenuOpen] = useState(false);
  const menuId = useId();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new page closes the menu
  useEffect(() => setMenuOpen(false), [pathname]);
  const menuButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!menuOpen) return;
    // Escape closes the open menu and gives focus back to its button.
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [menuOpen]);

  useEffect(() => {
    // A tab still asking the refresh cookie for a session waits for the answer.
    if (!session && !restoring) router.replace(signInPath(getEndedReason(), currentPage()));
  }, [session, restoring, router]);

  // The stored user may be stale (a role changed); `me` is the source of truth.
  const me = useCurrentUser(Boolean(session));
  useEffect(() => {
    if (me === undefined) return;
    if (me) updateUser(me);
    else void signOut('expired');
  }, [me, updateUser, signOut]);

  if (!session) return <LoadingState label="Checking your session…" />;
  const role = session.user.role;

  return (
    <div className={styles.shell}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {/* `shell__header`: a stable name for e2e screenshots, which pin the sticky header to the top. */}
      <header className={`${styles.header} shell__header`}>
        <Link href="/" className={styles.brand}>
          <BrandLogo />
          <span className={styles.brandName}>Coupon Books</span>
        </Link>
        <Button
          ref={menuButton}
          variant="ghost"
          className={styles.menuButton}
          aria-expanded={menuOpen}
          aria-controls={menuId}
          onClick={() => setMenuOpen((open) => !open)}
        >
          <span aria-hidden="true">☰</span> Menu
        </Button>
        {/* On a wide screen the panel is no box of its own (display: contents): its parts sit in the header's row. */}
        <div id={menuId} className={styles.panel} data-open={menuOpen}>
        <nav aria-label="Main" className={styles.nav}>
          <ul>
            {NAV.filter((item) => item.roles.includes(role)).map((item) => {
              const active = pathname === item.href || pathname?.startsWith(`${item.href}/`);
              return (
                <li key={item.href}>
                  <Link href={item.href} aria-current={active ? 'page' : undefined} className={styles.link}>
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        {role === 'ADMIN' ? (
          <div className={styles.search}>
            <CouponSearch />
          </div>
        ) : null}
        <div className={styles.account}>
          <span className={styles.user}>
            <span data-testid="signed-in-email">
              {session.user.email}
            </span>
            <Badge kind="role" tone={role === 'ADMIN' ? 'primary' : 'muted'}>
              {role === 'ADMIN' ? 'Admin' : 'User'}
            </Badge>
          </span>
          <Button
            variant="ghost"
            disabled={signingOut}
            onClick={() => {
              setSigningOut(true);
              void signOut('signed-out').finally(() => setSigningOut(false));
            }}
          >
            {signingOut ? 'Signing out…' : 'Sign out'}
          </Button>
        </div>
        </div>
      </header>
      <main id="main" ref={main} className={styles.main} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
