'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useId, useState } from 'react';
import { Button } from '@/components/controls/button';
import { describeError } from '@/lib/errors/describe-error';
import styles from './coupon-search.module.css';
import { useCouponSearch } from './use-coupon-search';

const REASONS = {
  EMPTY: () => 'Type a coupon code first.',
  NOT_A_CODE: (code: string) => `“${code}” is not a coupon code: codes have only letters, digits, “-” and “_”.`,
  NOT_FOUND: (code: string) => `No coupon has the code “${code}”.`,
} as const;

/**
 * The header's code search (admins): Enter or "Find" opens the coupon's page; a code that does
 * not exist, or cannot be one, is said in words under the box, and the box keeps the text to fix.
 */
export function CouponSearch() {
  const router = useRouter();
  const { search, searching } = useCouponSearch();
  const [value, setValue] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const inputId = useId();
  const messageId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (searching) return;
    const typed = value.trim();
    try {
      const result = await search(typed);
      if (result.found) {
        setMessage(null);
        setValue('');
        router.push(`/coupons/${encodeURIComponent(result.code)}`);
      } else {
        setMessage(REASONS[result.reason](typed));
      }
    } catch (error) {
      setMessage(`Could not search: ${describeError(error).message}`);
    }
  };

  return (
    <search aria-label="Coupons">
      <form className={styles.search} onSubmit={submit}>
        <label htmlFor={inputId} className="visually-hidden">
          Coupon code
        </label>
        <input
          id={inputId}
          type="search"
          className={styles.input}
          placeholder="Find a code"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setMessage(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setMessage(null);
          }}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? messageId : undefined}
        />
        <Button type="submit" size="small" disabled={searching}>
          {searching ? 'Finding…' : 'Find'}
        </Button>
        <p id={messageId} role="status" className={message ? styles.message : 'visually-hidden'}>
          {message}
        </p>
      </form>
    </search>
  );
}
