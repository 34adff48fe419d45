// `pnpm exec tsx bench/tools/auth-path-cost.ts [calls]`
// Process CPU time (not wall time: robust to a busy machine) of the per-request authentication of
// a signed-in call, the part every GraphQL request pays before its resolver runs:
//   verify:  the product's verifyAccessToken (token.service.ts) on tokens it has not seen (a full
//            jsonwebtoken verification, as every request paid before issue 19) vs on tokens it
//            has verified before (remembered; only the time checks run);
//   session: the session read through Prisma $queryRaw (before) vs the pg pool's named prepared
//            statement (user-session.service.ts, loadSessionCaller), one call at a time.
// Both sides run in this one process, alternating in rounds, on a throw-away embedded PostgreSQL.
import { loadSessionCaller, signAccessToken, systemClock, verifyAccessToken } from '@coupons/core';
import { Prisma } from '@coupons/db';
import { apiTokenSettings } from '../lib/api-process.ts';
import { startBenchDatabase } from '../lib/database.ts';
import { createUsers } from '../lib/seed.ts';

const calls = Number(process.argv[2] ?? 5000);
const rounds = 4;
const bench = await startBenchDatabase();
try {
  const settings = apiTokenSettings();
  const users = await createUsers(bench.db.pool, 1000);
  const tokens = users.map((user) => signAccessToken(settings, user, systemClock).token);
  const verified = tokens.map((token) => verifyAccessToken(settings, token, systemClock));

  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const measure = async (run: (i: number) => unknown): Promise<number> => {
    const start = cpuMs();
    for (let i = 0; i < calls; i++) await run(i);
    return ((cpuMs() - start) / calls) * 1000; // µs per call
  };

  // Distinct tokens never verified before (a different token version makes a different token).
  let fresh = 0;
  const unseen = Array.from({ length: calls * rounds }, (_, i) => signAccessToken(settings, { ...users[i % users.length], tokenVersion: 1000 + i }, systemClock).token);
  const verifyUncached = () => verifyAccessToken(settings, unseen[fresh++], systemClock);
  const verifyProduct = (i: number) => verifyAccessToken(settings, tokens[i % tokens.length], systemClock);
  const sessionPrisma = (i: number) =>
    bench.db.prisma.$queryRaw(Prisma.sql`
    SELECT email, role::text AS role, token_version AS "tokenVersion", disabled_at IS NOT NULL AS disabled
    FROM app_user WHERE id = ${verified[i % verified.length].userId}::uuid`);
  const sessionPool = (i: number) => loadSessionCaller({ db: bench.db }, verified[i % verified.length]);

  const results: Record<string, number[]> = { verifyUncached: [], verifyProduct: [], sessionPrisma: [], sessionPool: [] };
  await measure(sessionPrisma); // warm-up: JIT and each connection's prepared statement
  await measure(sessionPool);
  for (let round = 0; round < rounds; round++) {
    results.verifyUncached.push(await measure(verifyUncached));
    results.verifyProduct.push(await measure(verifyProduct));
    results.sessionPrisma.push(await measure(sessionPrisma));
    results.sessionPool.push(await measure(sessionPool));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`CPU of this process per call, µs (median of ${rounds} rounds of ${calls} calls; all rounds in brackets)`);
  for (const [name, xs] of Object.entries(results)) console.log(`  ${name.padEnd(16)} ${median(xs).toFixed(1).padStart(7)}   [${xs.map((x) => x.toFixed(1)).join(', ')}]`);
} finally {
  await bench.stop();
}
