export * from './book.model.ts';
export * from './book.input.ts';
export * from './book.service.ts';
export * from './book.counts.ts';
export * from './book-status.service.ts';
export * from './book.redemptions-over-time.ts';
export * from './book.busiest.ts';
export * from './book.pins.ts';
