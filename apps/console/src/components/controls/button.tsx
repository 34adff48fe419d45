import Link from 'next/link';
import type { ComponentProps } from 'react';
import styles from './button.module.css';

/**
 * How a button looks: `secondary` (the default: outlined), `primary` (the one main action of a
 * form or page), `ghost` (no border: back, cancel), `danger` (red text, no border: reverse,
 * remove).
 */
export type ButtonVariant = 'secondary' | 'primary' | 'ghost' | 'danger';

export interface ButtonLook {
  variant?: ButtonVariant;
  /** `small` for actions inside a table row or a list item. */
  size?: 'normal' | 'small';
  /** The full width of its container (a form that is only a column). */
  block?: boolean;
}

/** The class names of a look, for an element that is neither a `<button>` nor a Next `<Link>`. */
export function buttonClassName({ variant = 'secondary', size = 'normal', block = false }: ButtonLook = {}, extra?: string): string {
  return [styles.button, variant === 'secondary' ? null : styles[variant], size === 'small' ? styles.small : null, block ? styles.block : null, extra]
    .filter(Boolean)
    .join(' ');
}

/** A `<button>`: `type="button"` unless told otherwise, so it never submits a form by accident. */
export function Button({ variant, size, block, className, type = 'button', ...props }: ButtonLook & ComponentProps<'button'>) {
  return <button type={type} className={buttonClassName({ variant, size, block }, className)} {...props} />;
}

/** A Next `<Link>` that looks like a button (navigation, not an action). */
export function ButtonLink({ variant, size, block, className, ...props }: ButtonLook & ComponentProps<typeof Link>) {
  return <Link className={buttonClassName({ variant, size, block }, className)} {...props} />;
}
