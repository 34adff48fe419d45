import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/** The GraphQL `DistributionMode` enum. */
export const DistributionModeEnum = { RANDOM: 'RANDOM', EQUAL: 'EQUAL' } as const;
registerEnumType(DistributionModeEnum, {
  name: 'DistributionMode',
  description: 'RANDOM: `count` coupons, each to a uniformly random member below the limit. EQUAL: `count` coupons to every member.',
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

  @Field(() => Int, { description: 'RANDOM: coupons in total; EQUAL: coupons per member.' })
  count!: number;

  @Field(() => String, {
    nullable: true,
    description: "Replays a preview's random choices: pass the preview's `seed` to distribute exactly as previewed.",
  })
  seed?: string | null;
}

@ObjectType('DistributionShare', { description: "One member's share of a distribution." })
export class DistributionShare {
  @Field(() => ID)
  userId!: string;

  @Field(() => Int)
  count!: number;

  @Field(() => DistributionSkipReasonEnum, {
    nullable: true,
    description: 'Why the member gets less than the mode meant (EQUAL: fewer than `count`; RANDOM: excluded).',
  })
  skippedReason!: 'LIMIT_REACHED' | 'SOLD_OUT' | null;
}

@ObjectType('DistributionPreview', { description: 'What distributeToPool would do now; nothing is changed.' })
export class DistributionPreview {
  @Field(() => DistributionModeEnum)
  mode!: 'RANDOM' | 'EQUAL';

  @Field(() => String, { description: 'Pass it to distributeToPool to make the same random choices.' })
  seed!: string;

  @Field(() => Int, { description: 'RANDOM: count; EQUAL: count × members.' })
  requested!: number;

  @Field(() => Int, { description: 'Unassigned coupons in the book.' })
  available!: number;

  @Field(() => [DistributionShare])
  perUser!: DistributionShare[];

  @Field(() => Int)
  totalAssigned!: number;

  @Field(() => Int, { description: 'requested − totalAssigned.' })
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

  @Field(() => Date)
  createdAt!: Date;
}
