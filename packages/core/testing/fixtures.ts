import { randomUUID } from 'node:crypto';
import { type Database, Prisma } from '@coupons/db';
import { createTestDatabase, useFixture } from '@coupons/db/testing';
import type { Caller, Clock, Role, ServiceContext } from '../src/shared/context.ts';
import { createTestClock } from './test-clock.ts';

/** What service test files start with: a fresh database (`drop` it in `afterAll`), an ADMIN and a USER. */
export interface ServiceTest {
  db: Database;
  drop(): Promise<void>;
  admin: Caller;
  user: Caller;
}

/**
 * A fresh database from `@coupons/db/testing` with an ADMIN and a USER inserted; call it in `beforeAll`.
 * `poolSize`: connections for tests that run work in parallel (default that of `createTestDatabase`).
 */
export async function startServiceTest(options: { poolSize?: number } = {}): Promise<ServiceTest> {
  const { db, drop } = await createTestDatabase(options);
  const admin = await createUser(db, 'ADMIN');
  const user = await createUser(db, 'USER');
  return { db, drop, admin, user };
}

/**
 * `startServiceTest` in one line at the top of a test file: a fresh database for the file with an
 * ADMIN and a USER inserted, in `beforeAll`, dropped in `afterAll`.
 * Read `t.db`, `t.admin` and `t.user` inside tests and hooks.
 */
export function useServiceTest(options: { poolSize?: number } = {}): Readonly<Omit<ServiceTest, 'drop'>> {
  return useFixture('useServiceTest', () => startServiceTest(options), (test) => test.drop(), ['db', 'admin', 'user']);
}

/** Inserts a user directly (no argon2: these users never log in). */
export async function createUser(db: Database, role: Role = 'USER'): Promise<Caller> {
  const id = randomUUID();
  const email = `${role.toLowerCase()}-${id.slice(0, 8)}@test.example`;
  await db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO app_user (id, email, password_hash, role) VALUES (${id}::uuid, ${email}, 'not-a-hash', ${role}::"Role")`);
  return { userId: id, role, email };
}

export interface BookOverrides {
  maxAssignmentsPerUser?: number | null;
  allowMultipleRedemptions?: boolean;
  maxRedemptionsPerUser?: number | null;
  lockTtlSeconds?: number;
  validFrom?: Date | null;
  validUntil?: Date | null;
}

/** Inserts a book with `couponCount` codes; returns its id and codes. */
export async function createBook(
  db: Database,
  couponCount: number,
  overrides: BookOverrides = {},
): Promise<{ bookId: string; codes: string[] }> {
  const bookId = randomUUID();
  await db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO book (id, name, discount_type, discount_value, max_assignments_per_user, allow_multiple_redemptions,
                      max_redemptions_per_user, lock_ttl_seconds, valid_from, valid_until)
    VALUES (${bookId}::uuid, ${`Book ${bookId.slice(0, 8)}`}, 'PERCENTAGE', 10, ${overrides.maxAssignmentsPerUser ?? null}::int,
            ${overrides.allowMultipleRedemptions ?? false}, ${overrides.maxRedemptionsPerUser ?? null}::int,
            ${overrides.lockTtlSeconds ?? 300}, ${overrides.validFrom ?? null}::timestamptz, ${overrides.validUntil ?? null}::timestamptz)`);
  const prefix = bookId.slice(0, 8).toUpperCase();
  const codes = Array.from({ length: couponCount }, (_, i) => `T${prefix}-${i}`);
  if (codes.length > 0) {
    await db.prisma.$executeRaw(Prisma.sql`
      INSERT INTO coupon (book_id, code) SELECT ${bookId}::uuid, unnest(${codes}::text[])`);
  }
  return { bookId, codes };
}

/** A service context for `caller` on `db`. */
export function contextFor(db: Database, caller: Caller | null, clock: Clock = createTestClock()): ServiceContext {
  return { db, caller, clock };
}
