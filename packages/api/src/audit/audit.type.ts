import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionArgs, createConnectionType } from '../shared/connection.ts';
import { JSONScalar } from '../shared/scalars.ts';

/** The GraphQL `AuditTargetType` enum (core's AuditTargetType). */
export const AuditTargetTypeEnum = {
  BOOK: 'BOOK',
  COUPON: 'COUPON',
  POOL: 'POOL',
  USER: 'USER',
  API_KEY: 'API_KEY',
  REDEMPTION: 'REDEMPTION',
  DISTRIBUTION: 'DISTRIBUTION',
  WEBHOOK: 'WEBHOOK',
} as const;
registerEnumType(AuditTargetTypeEnum, { name: 'AuditTargetType', description: 'What an audited admin action acted on.' });

@ObjectType('AuditLogEntry', { description: 'One admin action: who, to what, what changed. The log is append-only.' })
export class AuditLogEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true, description: 'The admin (for an API key: the admin who made it).' })
  actorId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The API key, when the action came through one.' })
  apiKeyId!: string | null;

  @Field(() => String, { description: 'What was done, e.g. BOOK_PAUSED, COUPON_VOIDED, USER_DISABLED.' })
  action!: string;

  @Field(() => AuditTargetTypeEnum)
  targetType!: keyof typeof AuditTargetTypeEnum;

  @Field(() => String)
  targetId!: string;

  @Field(() => JSONScalar, { description: 'What changed: { field: { from, to } }, or the arguments that matter (a reason).' })
  changes!: Record<string, unknown>;

  @Field(() => Date)
  createdAt!: Date;
}

/** `AuditLogEntryConnection` / `AuditLogEntryEdge`. */
export const AuditLogEntryConnection = createConnectionType('AuditLogEntry', AuditLogEntry);

@InputType('AuditLogFilter')
export class AuditLogFilter {
  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => AuditTargetTypeEnum, { nullable: true })
  targetType?: keyof typeof AuditTargetTypeEnum | null;

  @Field(() => String, { nullable: true })
  targetId?: string | null;

  @Field(() => String, { nullable: true, description: 'An action name, e.g. BOOK_PAUSED.' })
  action?: string | null;
}

@ArgsType()
export class AuditLogArgs extends ConnectionArgs {
  @Field(() => AuditLogFilter, { nullable: true })
  filter?: AuditLogFilter | null;
}
