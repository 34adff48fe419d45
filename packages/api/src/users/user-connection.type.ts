import { ArgsType, Field } from 'type-graphql';
import { ConnectionArgs, createConnectionType } from '../shared/connection.ts';
import { User } from './user.type.ts';

/** `UserConnection` / `UserEdge`. */
export const UserConnection = createConnectionType('User', User);

@ArgsType()
export class UsersArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the email.' })
  emailContains?: string | null;
}
