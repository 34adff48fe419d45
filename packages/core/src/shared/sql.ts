import type { PrismaClient } from '@coupons/db';

/** Prisma's client or an interactive transaction's `tx`: what a raw statement runs on. */
export type SqlClient = Pick<PrismaClient, '$queryRaw' | '$executeRaw'>;
