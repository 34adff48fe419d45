import { ArgsType, Field, InputType, ObjectType } from 'type-graphql';
import { ConnectionArgs, createConnectionType } from '../shared/connection.ts';
import { NamedRecord } from '../shared/named.type.ts';

@ObjectType('Pool', { description: 'A named group of users for bulk distribution.' })
export class Pool extends NamedRecord {
  @Field(() => Date)
  createdAt!: Date;

  @Field(() => [String], {
    nullable: true,
    description: 'Only on the result of addPoolMembers: the emails that matched no user (nothing was added for them). Null elsewhere.',
  })
  unknownEmails?: string[] | null;
}

/** `PoolConnection` / `PoolEdge`. */
export const PoolConnection = createConnectionType('Pool', Pool);

@ArgsType()
export class PoolMembersArgs extends ConnectionArgs {}

@InputType('UpdatePoolInput', { description: 'What updatePool changes; a field left out keeps its value.' })
export class UpdatePoolInput {
  @Field(() => String, { nullable: true, description: '1 to 200 characters (null is refused).' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 2000 characters; null clears it.' })
  description?: string | null;
}
