import { describeError, ERROR_MESSAGES } from '@/lib/errors/describe-error';

export const NAME_MAX = 100;
export const NAME_RULE = `Give the key a name of 1 to ${NAME_MAX} characters.`;
export const SCOPES_RULE = 'Choose at least one scope.';

/**
 * What to tell a person when listing, creating or revoking keys failed, and which field it is
 * about. The API's BAD_USER_INPUT messages are written for developers ("name: must not be
 * blank"), so the form's own rules are said instead; no contract code is shown.
 */
export function describeApiKeyError(error: unknown): { field: 'name' | 'scopes' | null; message: string } {
  const described = describeError(error);
  switch (described.code) {
    case 'BAD_USER_INPUT':
      if (described.field === 'name') return { field: 'name', message: NAME_RULE };
      if (described.field === 'scopes') return { field: 'scopes', message: SCOPES_RULE };
      return { field: null, message: ERROR_MESSAGES.BAD_USER_INPUT };
    case 'FORBIDDEN':
      return { field: null, message: 'Only admins can manage API keys.' };
    case 'NOT_FOUND':
      return { field: null, message: 'This key no longer exists. Reload the list.' };
    default:
      return { field: null, message: described.message };
  }
}
