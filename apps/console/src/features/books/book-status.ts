import type { BadgeTone } from '@/components/controls/badge';
import type { BookStatus } from '@/gql/graphql';

/** What a book's status badge needs: the admin's status and the validity window. */
export interface BookStatusFacts {
  status: BookStatus;
  validFrom: string | null;
  validUntil: string | null;
}

export interface BookStatusView {
  label: 'Active' | 'Paused' | 'Archived' | 'Scheduled' | 'Expired';
  tone: BadgeTone;
  /** A sentence for the title/tooltip and screen readers. */
  description: string;
}

/**
 * How a book reads to an admin: the status they set (Paused, Archived) wins; an ACTIVE book
 * outside its validity window reads Scheduled (not started yet) or Expired (its window is over).
 */
export function bookStatusView(book: BookStatusFacts, now: number = Date.now()): BookStatusView {
  if (book.status === 'PAUSED') return { label: 'Paused', tone: 'warning', description: 'Paused: claims, checkouts and redemptions are refused until it is resumed.' };
  if (book.status === 'ARCHIVED') return { label: 'Archived', tone: 'muted', description: 'Archived: it serves no coupons and is hidden from the default list.' };
  if (book.validFrom && Date.parse(book.validFrom) > now) return { label: 'Scheduled', tone: 'primary', description: 'Active, but its validity window has not started yet.' };
  if (book.validUntil && Date.parse(book.validUntil) <= now) return { label: 'Expired', tone: 'muted', description: 'Expired: its validity window is over, so it serves no coupons.' };
  return { label: 'Active', tone: 'success', description: 'Active: serving coupons.' };
}
