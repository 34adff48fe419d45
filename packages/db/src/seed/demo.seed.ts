import { createHash } from 'node:crypto';
import type { Database } from '../client.ts';
import { hashPassword } from '../passwords.ts';
import { DEMO_BOOKS, DEMO_CODE_CHARSET, DEMO_CODE_LENGTH, DEMO_LOGINS, DEMO_POOL, type DemoBook } from './demo.data.ts';

/** What one seeding run created; all zeros when the demo was already there. */
export interface SeedSummary {
  usersCreated: number;
  booksCreated: number;
  couponsCreated: number;
  poolMembersAdded: number;
}

/**
 * Writes the demo data set (see demo.data.ts) into a migrated database. Idempotent: running it
 * again creates nothing and changes nothing, including rows someone edited since (an admin who
 * changed a demo password keeps it).
 */
export async function seedDemoData(db: Database): Promise<SeedSummary> {
  const usersCreated = await seedUsers(db);
  let booksCreated = 0;
  let couponsCreated = 0;
  for (const book of DEMO_BOOKS) {
    const result = await seedBook(db, book);
    booksCreated += result.created ? 1 : 0;
    couponsCreated += result.couponsCreated;
  }
  const poolMembersAdded = await seedPool(db);
  return { usersCreated, booksCreated, couponsCreated, poolMembersAdded };
}

async function seedUsers(db: Database): Promise<number> {
  const existing = await db.prisma.user.findMany({
    where: { email: { in: DEMO_LOGINS.map((login) => login.email) } },
    select: { email: true },
  });
  const known = new Set(existing.map((user) => user.email));
  // Hash only for users that are missing: argon2 costs ~100 ms a hash by design.
  const missing = await Promise.all(
    DEMO_LOGINS.filter((login) => !known.has(login.email)).map(async (login) => ({
      email: login.email,
      role: login.role,
      passwordHash: await hashPassword(login.password),
    })),
  );
  // skipDuplicates: a concurrent seed that got there first is not an error.
  const { count } = await db.prisma.user.createMany({ data: missing, skipDuplicates: true });
  return count;
}

async function seedBook(db: Database, book: DemoBook): Promise<{ created: boolean; couponsCreated: number }> {
  const { codeCount, ...fields } = book;
  const created = await db.prisma.book.createMany({ data: [fields], skipDuplicates: true });
  const codes = demoCodes(book.id, codeCount);
  return db.prisma.$transaction(async (tx) => {
    const { count } = await tx.coupon.createMany({
      data: codes.map((code) => ({ bookId: book.id, code })),
      skipDuplicates: true,
    });
    // The audit trail records bulk creation like an upload would; nothing new, no event.
    if (count > 0) await tx.couponEvent.create({ data: { bookId: book.id, type: 'CREATED_BULK', toState: 'UNASSIGNED', count } });
    return { created: created.count > 0, couponsCreated: count };
  });
}

async function seedPool(db: Database): Promise<number> {
  await db.prisma.pool.createMany({
    data: [{ id: DEMO_POOL.id, name: DEMO_POOL.name, description: DEMO_POOL.description }],
    skipDuplicates: true,
  });
  const members = await db.prisma.user.findMany({
    where: { email: { in: [...DEMO_POOL.memberEmails] } },
    select: { id: true },
  });
  const { count } = await db.prisma.poolMember.createMany({
    data: members.map((member) => ({ poolId: DEMO_POOL.id, userId: member.id })),
    skipDuplicates: true,
  });
  return count;
}

/**
 * `count` distinct codes derived from the book id (SHA-256 of `<bookId>:<n>` mapped onto the
 * charset), so every run produces the same codes and re-inserting them is a no-op.
 */
export function demoCodes(bookId: string, count: number): string[] {
  const codes = new Set<string>();
  for (let n = 0; codes.size < count; n++) {
    const digest = createHash('sha256').update(`${bookId}:${n}`).digest();
    let code = '';
    for (let i = 0; i < DEMO_CODE_LENGTH; i++) code += DEMO_CODE_CHARSET[(digest[i] ?? 0) % DEMO_CODE_CHARSET.length];
    codes.add(code);
  }
  return [...codes];
}
