import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/** The GraphQL `DistributionMode` enum. */
export const DistributionModeEnum = { RANDOM: 'RANDOM', EQUAL: 'EQUAL' } as const;
registerEnumType(DistributionModeEnum, {
  name: 'DistributionMode',
  description:
    '`count` is the total in both modes. RANDOM: each of the `count` coupons to a uniformly random member below the limit. EQUAL: each member gets ⌊count / members⌋; the remainder (count mod members) goes where `remainder` says.',
});

/** The GraphQL `DistributionRemainder` enum. */
export const DistributionRemainderEnum = { RANDOM_MEMBERS: 'RANDOM_MEMBERS', LEAVE_IN_BOOK: 'LEAVE_IN_BOOK' } as const;
registerEnumType(DistributionRemainderEnum, {
  name: 'DistributionRemainder',
  description: 'EQUAL only: where the count mod members coupons that do not divide evenly go.',
  valuesConfig: {
    RANDOM_MEMBERS: { description: 'One more each to that many members chosen at random (among those with room for it).' },
    LEAVE_IN_BOOK: { description: 'They stay in the book: nobody gets more than anyone else (the default).' },
  },
});

/** The GraphQL `DistributionSkipReason` enum. */
export const DistributionSkipReasonEnum = { LIMIT_REACHED: 'LIMIT_REACHED', SOLD_OUT: 'SOLD_OUT' } as const;
registerEnumType(DistributionSkipReasonEnum, { name: 'DistributionSkipReason' });

@ArgsType()
export class DistributionArgs {
  @Field(() => ID)
  poolId!: string;

  @Field(() => ID)
  bookId!: string;

  @Field(() => DistributionModeEnum)
  mode!: 'RANDOM' | 'EQUAL';

  @Field(() => Int, { description: 'The total number of coupons, in both modes (EQUAL: each member gets ⌊count / members⌋).' })
  count!: number;

  @Field(() => DistributionRemainderEnum, {
    nullable: true,
    description: 'EQUAL only (BAD_USER_INPUT with RANDOM): where count mod members goes. Default LEAVE_IN_BOOK.',
  })
  remainder?: 'RANDOM_MEMBERS' | 'LEAVE_IN_BOOK' | null;

  @Field(() => String, {
    nullable: true,
    description: "Replays a preview's random choices: pass the preview's `seed` to distribute exactly as previewed.",
  })
  seed?: string | null;
}

/** distributeToPool's arguments: a preview's, and an idempotency key. */
@ArgsType()
export class DistributeToPoolArgs extends DistributionArgs {
  @Field(() => String, {
    nullable: true,
    description:
      "A retry with the same key (the same admin, within the key's lifetime) returns the first distribution and hands out nothing more; reused with other arguments it is BAD_USER_INPUT. A failed attempt is not remembered.",
  })
  idempotencyKey?: string | null;
}

@ObjectType('DistributionShare', { description: "One member's share of a distribution." })
export class DistributionShare {
  @Field(() => ID)
  userId!: string;

  @Field(() => Int)
  count!: number;

  @Field(() => Int, { description: 'EQUAL: 1 when this member gets one of the remainder (RANDOM_MEMBERS), else 0.' })
  extra!: number;

  @Field(() => DistributionSkipReasonEnum, {
    nullable: true,
    description: 'Why the member gets less than the mode meant (EQUAL: fewer than perMember + extra; RANDOM: excluded).',
  })
  skippedReason!: 'LIMIT_REACHED' | 'SOLD_OUT' | null;
}

@ObjectType('DistributionPreview', { description: 'What distributeToPool would do now; nothing is changed.' })
export class DistributionPreview {
  @Field(() => DistributionModeEnum)
  mode!: 'RANDOM' | 'EQUAL';

  @Field(() => String, { description: 'Pass it to distributeToPool to make the same random choices.' })
  seed!: string;

  @Field(() => Int, { description: 'count: the total asked for, in both modes.' })
  requested!: number;

  @Field(() => Int, { nullable: true, description: 'EQUAL: ⌊count / members⌋, what each member gets before the remainder. Null for RANDOM.' })
  perMember!: number | null;

  @Field(() => DistributionRemainderEnum, { nullable: true, description: 'EQUAL: the remainder rule applied. Null for RANDOM.' })
  remainder!: 'RANDOM_MEMBERS' | 'LEAVE_IN_BOOK' | null;

  @Field(() => Int, { description: 'EQUAL with LEAVE_IN_BOOK: count mod members, left in the book on purpose; else 0.' })
  leftInBook!: number;

  @Field(() => Int, { description: 'Unassigned coupons in the book.' })
  available!: number;

  @Field(() => [DistributionShare])
  perUser!: DistributionShare[];

  @Field(() => Int)
  totalAssigned!: number;

  @Field(() => Int, { description: 'requested − leftInBook − totalAssigned: what limits or the supply kept from members.' })
  shortfall!: number;

  @Field(() => Int, { description: 'Members who would get nothing, for a reason (limit reached or sold out).' })
  skippedUsers!: number;
}

@ObjectType('Distribution', { description: 'A committed bulk distribution.' })
export class Distribution {
  @Field(() => ID)
  id!: string;

  @Field(() => DistributionModeEnum)
  mode!: 'RANDOM' | 'EQUAL';

  @Field(() => Int)
  requested!: number;

  @Field(() => Int)
  assigned!: number;

  @Field(() => DistributionRemainderEnum, { nullable: true, description: 'EQUAL: the remainder rule it applied. Null for RANDOM.' })
  remainder!: 'RANDOM_MEMBERS' | 'LEAVE_IN_BOOK' | null;

  @Field(() => Date)
  createdAt!: Date;
}
