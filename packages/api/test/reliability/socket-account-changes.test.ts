import { describe, expect, it } from 'vitest';
import { call, checkoutAs, createCampaign, record, signUp, subscribedOn, useApiTest, waitFor } from '../../testing/index.ts';

// Open sockets when the account changes through the API (not behind the server's back): erased
// (eraseUser) and demoted (setUserRole) while a subscription runs. Both close the socket
// (onSessionsChanged on this process; the periodic re-check elsewhere), with the code that says why.

const t = useApiTest({ users: ['shopper'] });

describe('open subscriptions when an admin changes the account', () => {
  it("eraseUser closes the erased user's socket with 4401", async () => {
    const person = await signUp(t.server);
    const { bookId } = await createCampaign(t.server, t.admin, 3);
    await checkoutAs(t.server, person, bookId, 'claim');
    const c = t.clients.connect(t.server, person.token);
    const before = t.server.server.live?.couponEvents.size ?? 0;
    const sub = record(c.client, 'subscription { couponEvents { type } }', {});
    await subscribedOn(t.server.server, before + 1);
    const erased = await call(t.server, 'mutation ($u: ID!) { eraseUser(userId: $u) }', { u: person.user.id }, t.admin.token);
    expect(erased.ok, JSON.stringify(erased)).toBe(true);
    await waitFor(() => c.closes.length > 0, 'the socket to close', 10_000);
    expect(c.closes.map((close) => close.code)).toEqual([4401]);
    await sub.finished;
  });

  it("setUserRole(USER) closes a demoted admin's everyone's-events subscription with 4403, and no later event reaches it", async () => {
    const boss = await signUp(t.server, 'ADMIN');
    const { bookId } = await createCampaign(t.server, t.admin, 3);
    const c = t.clients.connect(t.server, boss.token);
    const before = t.server.server.live?.couponEvents.size ?? 0;
    const sub = record(c.client, 'subscription ($b: ID) { couponEvents(bookId: $b) { type actor { email } coupon { user { email } } } }', { b: bookId });
    await subscribedOn(t.server.server, before + 1);
    const demoted = await call(t.server, 'mutation ($u: ID!) { setUserRole(userId: $u, role: USER) { role } }', { u: boss.user.id }, t.admin.token);
    expect(demoted.ok, JSON.stringify(demoted)).toBe(true);
    await waitFor(() => c.closes.length > 0, 'the socket to close', 10_000);
    expect(c.closes.map((close) => close.code)).toEqual([4403]);
    await sub.finished;
    // A shopper's claim after the demotion never reaches the former admin.
    await checkoutAs(t.server, t.shopper, bookId, 'claim');
    expect(JSON.stringify(sub.values)).not.toContain(t.shopper.email);
  });
});
