export * from './pool.service.ts';
export * from './pool-change.service.ts';
export * from './pool-member.service.ts';
export * from './distribution.plan.ts';
export * from './distribution.service.ts';
