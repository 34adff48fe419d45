import { MAX_TIME_BUCKETS } from '@coupons/core';
import { ArgsType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';

/** The GraphQL `TimeBucket` enum (core's `TimeBucket`). */
export const TimeBucketEnum = { MINUTE: 'MINUTE', HOUR: 'HOUR', DAY: 'DAY', WEEK: 'WEEK' } as const;
registerEnumType(TimeBucketEnum, {
  name: 'TimeBucket',
  description: 'The width of a bucket of Book.redemptionsOverTime and Book.claimsOverTime. Buckets start on UTC boundaries (a DAY at 00:00 UTC, a WEEK on Monday 00:00 UTC).',
});

@ObjectType('RedemptionBucket', { description: 'Redemptions of a book in one time bucket.' })
export class RedemptionBucket {
  @Field(() => Date, { description: 'Start of the bucket (inclusive); it ends where the next one starts.' })
  at!: Date;

  @Field(() => Int, { description: 'Redemptions made in this bucket, reversed ones included.' })
  redemptions!: number;

  @Field(() => Int, { description: 'Of those redemptions, how many have been reversed since (redemptions − reversals still stand).' })
  reversals!: number;
}

@ObjectType('ClaimBucket', { description: 'Claims of a book in one time bucket.' })
export class ClaimBucket {
  @Field(() => Date, { description: 'Start of the bucket (inclusive); it ends where the next one starts.' })
  at!: Date;

  @Field(() => Int, { description: "Coupons of the book claimed (assigned to someone) in this bucket that are still theirs: a claim undone since (unassign, customer erased) leaves it." })
  claims!: number;
}

@ArgsType()
export class RedemptionsOverTimeArgs {
  @Field(() => Date, { nullable: true, description: 'Inclusive. Default: 24 buckets in all, ending with the one that holds `to`.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Exclusive. Default: the end of the bucket holding now (the current bucket whole).' })
  to?: Date | null;

  @Field(() => TimeBucketEnum, { defaultValue: 'HOUR' })
  bucket!: keyof typeof TimeBucketEnum;
}

export const REDEMPTIONS_OVER_TIME_DOC = `ADMIN: the book's redemptions per time bucket over [from, to), oldest first, with a bucket (zeros) for every period without any. The first and last buckets count only what falls inside the range. More than ${MAX_TIME_BUCKETS} buckets is BAD_USER_INPUT (field bucket): choose a wider bucket or a shorter range.`;

export const CLAIMS_OVER_TIME_DOC = `ADMIN: the book's claims per time bucket over [from, to), by when each coupon was assigned (claimed by its shopper or assigned by an admin or a distribution), oldest first, with the same buckets, defaults and limits as redemptionsOverTime. A claim undone since (unassign, customer erased) is not counted.`;
