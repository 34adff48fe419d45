import { Badge } from '@/components/controls/badge';
import { type BookStatusFacts, bookStatusView } from './book-status';

/** A book's status as a badge: Active, Paused, Archived, or Scheduled / Expired by its window. */
export function BookStatusBadge({ book }: { book: BookStatusFacts }) {
  const view = bookStatusView(book);
  return (
    <Badge tone={view.tone} title={view.description} data-status={view.label}>
      {view.label}
    </Badge>
  );
}
