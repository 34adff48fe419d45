import { Field, ObjectType } from 'type-graphql';
import { User } from '../users/user.type.ts';

@ObjectType('AuthPayload', { description: 'A signed-in session.' })
export class AuthPayload {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <token>` (or `authorization` in graphql-ws connectionParams).' })
  token!: string;

  @Field(() => Date, { description: 'When the token stops being accepted; refreshSession (with the refresh cookie) gives the next one.' })
  expiresAt!: Date;

  @Field(() => User)
  user!: User;
}
