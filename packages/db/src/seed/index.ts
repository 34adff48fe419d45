export { seedDemoData, demoCodes, type SeedSummary } from './demo.seed.ts';
export { DEMO_LOGINS, DEMO_BOOKS, DEMO_POOL, DEMO_CODE_CHARSET } from './demo.data.ts';
