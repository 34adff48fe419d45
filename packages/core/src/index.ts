export * from './shared/errors.ts';
export * from './shared/context.ts';
export * from './shared/pagination.ts';
export * from './shared/validation.ts';
export * from './shared/sql.ts';
export * from './events/announcer.ts';
export * from './coupons/index.ts';
