import { DEFAULT_ACTIVITY_WINDOW_SECONDS, DEFAULT_BUSIEST_BOOKS, MAX_ACTIVITY_WINDOW_SECONDS, MAX_BUSIEST_BOOKS } from '@coupons/core';
import type { BookRecord } from '@coupons/core';
import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { Book } from './book.type.ts';

@ObjectType('BookActivity', { description: 'A book and its coupon events in the window asked for (Query.busiestBooks).' })
export class BookActivity {
  @Field(() => Book)
  book!: BookRecord;

  @Field(() => Int, { description: 'Coupon events of the book in the window: claims, locks, unlocks, redemptions, reversals … (a bulk creation counts once).' })
  events!: number;
}

@ArgsType()
export class BusiestBooksArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_ACTIVITY_WINDOW_SECONDS,
    description: `Seconds back from now (1..${MAX_ACTIVITY_WINDOW_SECONDS}).`,
  })
  window?: number | null;

  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_BUSIEST_BOOKS, description: `How many books at most (1..${MAX_BUSIEST_BOOKS}).` })
  first?: number | null;
}
