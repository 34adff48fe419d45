import { ArgsType, Field } from 'type-graphql';
import { ConnectionArgs, createConnectionType } from '../shared/connection.ts';
import { RoleEnum, User } from './user.type.ts';

/** `UserConnection` / `UserEdge`. */
export const UserConnection = createConnectionType('User', User);

@ArgsType()
export class UsersArgs extends ConnectionArgs {
  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive substring of the email or the externalId; `%` and `_` match themselves.',
  })
  search?: string | null;

  @Field(() => RoleEnum, { nullable: true, description: 'Only users with this role.' })
  role?: 'ADMIN' | 'USER' | null;

  @Field(() => Boolean, { nullable: true, description: 'true: only disabled users; false: only enabled ones; absent: both.' })
  disabled?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: 'Deprecated: use `search`. Case-insensitive substring of the email (people only).',
  })
  emailContains?: string | null;
}
