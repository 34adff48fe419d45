import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/** The GraphQL `Role` enum (the values of Prisma's `Role`). */
export const RoleEnum = { ADMIN: 'ADMIN', USER: 'USER' } as const;
registerEnumType(RoleEnum, { name: 'Role', description: 'ADMIN runs campaigns; USER holds coupons.' });

@ObjectType('User')
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Lower-cased. Null for a shop customer (see externalId).' })
  email!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The shop's own id of a customer created through an API key (customerId); null for people who sign in.",
  })
  externalId!: string | null;

  @Field(() => RoleEnum)
  role!: 'ADMIN' | 'USER';

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the account was disabled; null while enabled.' })
  disabledAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the account was erased (eraseUser): only the id is left, redemptions and history point at it anonymously.',
  })
  erasedAt!: Date | null;
}
