import type { User as UserRow } from '@coupons/db';
import type { Role } from '../shared/context.ts';

/** A user as services return it: never the password hash. */
export interface UserRecord {
  id: string;
  email: string;
  role: Role;
  createdAt: Date;
}

/** Maps a Prisma `User` row to the public record (drops the hash). */
export function toUserRecord(row: Pick<UserRow, 'id' | 'email' | 'role' | 'createdAt'>): UserRecord {
  return { id: row.id, email: row.email, role: row.role, createdAt: row.createdAt };
}

/** The columns of `toUserRecord`, for Prisma `select`s that must never load the hash. */
export const USER_RECORD_SELECT = { id: true, email: true, role: true, createdAt: true } as const;
