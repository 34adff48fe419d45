import type { ReactNode } from 'react';

/** What went wrong with a whole form or panel (not one field), announced when it appears; nothing when there is nothing. */
export function FormError({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="notice notice--error" role="alert">
      {children}
    </p>
  );
}
