import { useTestDatabase } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import type { ServiceContext } from '../shared/context.ts';
import { DomainError } from '../shared/errors.ts';
import { type AdmittedLogin, admitLogin, type SignInLimits, settleLogin } from './rate-limit.sign-in.ts';

// Attempts in flight (admitted, password not yet judged), on a real database: an attempt whose
// answer hangs on them waits for their outcomes; one whose answer does not is never held up.

const t = useTestDatabase({ poolSize: 20 });
let now = new Date('2026-03-01T10:00:01.000Z');
const ctx = (): ServiceContext => ({ db: t.db, caller: null, clock: { now: () => now } });
const limits: SignInLimits = { windowSeconds: 60, perEmailAndAddress: 50, perAddress: 50, perEmailFailures: 50, registrationsGlobal: 50 };

const admit = (email: string, ip: string) => admitLogin(ctx(), { email, ip }, limits);
const answerOf = (attempt: Promise<AdmittedLogin>): Promise<'admitted' | number> =>
  attempt.then(
    () => 'admitted' as const,
    (error: unknown) => {
      if (!(error instanceof DomainError) || error.code !== 'RATE_LIMITED') throw error;
      return error.details.retryAfterSeconds as number;
    },
  );
/** Whether `promise` is still unanswered after `ms`. */
const pendingAfter = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), ms))]);

describe('login attempts in flight', () => {
  it('the attempt whose back-off hangs on five in flight waits for them: refused if they all fail, let in if one succeeds', async () => {
    for (const [email, lastOutcome, expected] of [
      ['a@example.test', 'failed', 1],
      ['b@example.test', 'succeeded', 'admitted'],
    ] as const) {
      const inFlight = await Promise.all(Array.from({ length: 5 }, () => admit(email, '203.0.113.1')));
      const sixth = answerOf(admit(email, '203.0.113.1'));
      expect(await pendingAfter(sixth, 150)).toBe(true);
      for (const attempt of inFlight.slice(0, 4)) await settleLogin(ctx(), attempt, 'failed', limits);
      expect(await pendingAfter(sixth, 100)).toBe(true);
      await settleLogin(ctx(), inFlight[4], lastOutcome, limits);
      expect(await sixth).toBe(expected);
    }
  });

  it('is never held up by attempts in flight elsewhere when its own answer does not hang on them', async () => {
    const email = 'c@example.test';
    // The cap is full, and two more guesses are in flight from addresses that failed before.
    const guessers = ['198.51.100.1', '198.51.100.2', '198.51.100.3'];
    const capped = { ...limits, perEmailFailures: 3 };
    for (const ip of guessers) await settleLogin(ctx(), await admitLogin(ctx(), { email, ip }, capped), 'failed', capped);
    const inFlight = await Promise.all(guessers.slice(1).map((ip) => admitLogin(ctx(), { email, ip }, limits)));
    // The owner at a fresh address: let in at once. The guesser with nothing in flight: refused
    // at once (the recorded failures fill the cap whatever the ones in flight do).
    expect(await answerOf(admitLogin(ctx(), { email, ip: '192.0.2.1' }, capped))).toBe('admitted');
    expect(await answerOf(admitLogin(ctx(), { email, ip: guessers[0] }, capped))).toBe(59);
    for (const attempt of inFlight) await settleLogin(ctx(), attempt, 'abandoned', limits);
  });

  it('an abandoned attempt leaves no failure behind, and one left by a dead instance stops holding others up after 30 s', async () => {
    const email = 'd@example.test';
    for (let i = 0; i < 5; i++) await settleLogin(ctx(), await admit(email, '203.0.113.4'), 'abandoned', limits);
    expect(await answerOf(admit(email, '203.0.113.4'))).toBe('admitted');
    // That one and four more are never settled (their instance died).
    await Promise.all(Array.from({ length: 4 }, () => admit(email, '203.0.113.4')));
    const next = answerOf(admit(email, '203.0.113.4'));
    expect(await pendingAfter(next, 100)).toBe(true);
    now = new Date(now.getTime() + 31_000);
    expect(await next).toBe('admitted');
  });

  it('a solved challenge passes the cap, not the back-off: ten proofs sent together from a failing address, one heard', async () => {
    const email = 'e@example.test';
    const capped = { ...limits, perEmailFailures: 1 };
    // The address has 4 failures on the email (one short of the back-off), and they fill the cap.
    for (let i = 0; i < 4; i++) await settleLogin(ctx(), await admit(email, '203.0.113.5'), 'failed', limits);
    // Every proof checks out, once all ten are being checked (or after 500 ms): the checks overlap.
    let checking = 0;
    let allChecking = () => {};
    const allCheck = new Promise<void>((resolve) => {
      allChecking = resolve;
    });
    const challenge = {
      verify: async () => {
        if (++checking === 10) allChecking();
        await Promise.race([allCheck, new Promise((resolve) => setTimeout(resolve, 500))]);
        return true;
      },
    };
    const answers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const admitted = await admitLogin(ctx(), { email, ip: '203.0.113.5', proof: 'solved' }, capped, challenge).catch(() => undefined);
        if (admitted) await settleLogin(ctx(), admitted, 'failed', capped);
        return admitted ? 'heard' : 'refused';
      }),
    );
    // One after another: the first is heard (and fails: the 5th failure), the rest wait out the back-off.
    expect(answers.filter((answer) => answer === 'heard')).toHaveLength(1);
  });

  it('the implausible email is judged per address: junk in flight from one address holds up no other, and fills no cap', async () => {
    const junk = await Promise.all(Array.from({ length: 5 }, () => admit('', '198.51.100.7')));
    expect(await answerOf(admit('', '198.51.100.8'))).toBe('admitted');
    for (const attempt of junk) await settleLogin(ctx(), attempt, 'failed', limits);
    expect(await t.db.prisma.rateLimitBucket.count({ where: { key: 'login:email-failures:' } })).toBe(0);
  });

  it('settling an attempt twice changes nothing the second time', async () => {
    const email = 'f@example.test';
    const attempt = await admit(email, '203.0.113.6');
    await settleLogin(ctx(), attempt, 'failed', limits);
    await settleLogin(ctx(), attempt, 'failed', limits);
    expect(await t.db.prisma.rateLimitBucket.findUnique({ where: { key: `login:streak:203.0.113.6|${email}` } })).toMatchObject({ count: 1 });
    expect(await t.db.prisma.loginInFlight.count({ where: { email } })).toBe(0);
  });
});
