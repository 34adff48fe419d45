import { describeError } from '@/lib/errors/describe-error';

export const URL_RULE = 'Give an https:// URL of a public address (in development, http://localhost works too).';
export const EVENTS_RULE = 'Choose at least one event type.';
export const DESCRIPTION_MAX = 500;

/**
 * What to tell a person when a webhook action failed, and which field it is about. A refused
 * address keeps the API's explanation (which address, and why), the other input errors the form's rules.
 */
export function describeWebhookError(error: unknown): { field: 'url' | 'events' | 'bookId' | 'description' | null; message: string } {
  const described = describeError(error);
  switch (described.code) {
    case 'BAD_USER_INPUT':
      if (described.field === 'url') return { field: 'url', message: described.message.replace(/^url: /i, 'This URL ') };
      if (described.field === 'events') return { field: 'events', message: EVENTS_RULE };
      if (described.field === 'bookId') return { field: 'bookId', message: 'Give the id of a book, or leave it empty for every book.' };
      if (described.field === 'description') return { field: 'description', message: `At most ${DESCRIPTION_MAX} characters.` };
      return { field: null, message: described.message };
    case 'NOT_FOUND':
      return described.message.startsWith('Book') ? { field: 'bookId', message: 'There is no book with this id.' } : { field: null, message: 'This endpoint no longer exists.' };
    case 'INVALID_STATE':
      return { field: null, message: described.message };
    case 'FORBIDDEN':
      return { field: null, message: 'Only admins can manage webhooks.' };
    default:
      return { field: null, message: described.message };
  }
}
