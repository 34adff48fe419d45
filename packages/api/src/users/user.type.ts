import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/** The GraphQL `Role` enum (the values of Prisma's `Role`). */
export const RoleEnum = { ADMIN: 'ADMIN', USER: 'USER' } as const;
registerEnumType(RoleEnum, { name: 'Role', description: 'ADMIN runs campaigns; USER holds coupons.' });

@ObjectType('User')
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Lower-cased.' })
  email!: string;

  @Field(() => RoleEnum)
  role!: 'ADMIN' | 'USER';

  @Field(() => Date)
  createdAt!: Date;
}
