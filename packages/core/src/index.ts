export * from './shared/errors.ts';
export * from './shared/context.ts';
