/**
 * Test support for `@coupons/core` (never imported by production code): a hand-moved clock and
 * rows inserted directly, for service tests against a real database (`@coupons/db/testing`);
 * `explainScans` for tests of the plans PostgreSQL picks.
 */
export { type BookOverrides, contextFor, createBook, createUser, type ServiceTest, startServiceTest, useServiceTest } from './fixtures.ts';
export { generousSignInLimits, TEST_TOKEN_SETTINGS } from './auth-settings.ts';
export { createTestClock, type TestClock } from './test-clock.ts';
export { fillSearchFixture, type SearchFixture, type SearchFixtureOptions, type SqlRunner } from './search-fixture.ts';
export { describeScans, explainScans, type PlanScan, scansOf } from './plan-scans.ts';
export { type Answer, label, serviceAnswer, track as trackAnswer } from './answers.ts';
