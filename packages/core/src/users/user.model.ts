import type { User as UserRow } from '@coupons/db';
import type { Role } from '../shared/context.ts';

/** A user as services return it: never the password hash. */
export interface UserRecord {
  id: string;
  /** Null for a shop's customer (who has `externalId` instead, and never signs in). */
  email: string | null;
  /** The shop's own id of a customer acting through an API key; null for people. */
  externalId: string | null;
  role: Role;
  createdAt: Date;
  /** When an admin disabled the account (its tokens, keys and sockets stop); null while enabled. */
  disabledAt: Date | null;
  /** When the account was erased (only the id is left); null for a live account. */
  erasedAt: Date | null;
  /**
   * The user's token version, where the query loaded it (USER_RECORD_SELECT does): sign-in signs
   * it into the token as `tv`. Never exposed through the API.
   */
  tokenVersion?: number;
}

/** Maps a Prisma `User` row to the public record (drops the hash). */
export function toUserRecord(
  row: Pick<UserRow, 'id' | 'email' | 'role' | 'createdAt'> &
    Partial<Pick<UserRow, 'tokenVersion' | 'externalId' | 'disabledAt' | 'erasedAt'>>,
): UserRecord {
  const record: UserRecord = {
    id: row.id,
    email: row.email,
    externalId: row.externalId ?? null,
    role: row.role,
    createdAt: row.createdAt,
    disabledAt: row.disabledAt ?? null,
    erasedAt: row.erasedAt ?? null,
  };
  if (row.tokenVersion !== undefined) record.tokenVersion = row.tokenVersion;
  return record;
}

/**
 * The columns of `toUserRecord`, for Prisma `select`s that must never load the hash. It includes
 * `tokenVersion` so that sign-in (auth.service.ts, which selects these) signs the current version.
 */
export const USER_RECORD_SELECT = {
  id: true,
  email: true,
  externalId: true,
  role: true,
  createdAt: true,
  tokenVersion: true,
  disabledAt: true,
  erasedAt: true,
} as const;
