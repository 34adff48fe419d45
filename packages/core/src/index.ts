export * from './shared/errors.ts';
export * from './shared/context.ts';
export * from './shared/pagination.ts';
export * from './shared/validation.ts';
