// API keys as the API returns them, for the api-keys feature's tests.

/** Key `n`, made on March `n` 2026, read-only, never used, not revoked (unless `extra` says so). */
export const apiKey = (n: number, extra: Partial<{ scopes: string[]; lastUsedAt: string | null; revokedAt: string | null }> = {}) => ({
  __typename: 'ApiKey' as const,
  id: `key-${n}`,
  name: `Shop ${n}`,
  prefix: `cbk_0000000${n}`,
  scopes: ['COUPONS_READ'],
  createdAt: `2026-03-0${n}T10:00:00.000Z`,
  lastUsedAt: null,
  revokedAt: null,
  ...extra,
});

/** The secret createApiKey shows once. */
export const SECRET = 'cbk_secretSecretSecretSecretSecretSecretSecr';
