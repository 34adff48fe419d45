import { type AuditRecord, listAuditLog, type UserRecord } from '@coupons/core';
import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { type ConnectionShape, toConnection } from '../shared/connection.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { User } from '../users/user.type.ts';
import { AuditLogArgs, AuditLogEntry, AuditLogEntryConnection } from './audit.type.ts';

@Resolver(() => AuditLogEntry)
export class AuditResolver {
  @Authorized('ADMIN')
  @Query(() => AuditLogEntryConnection, { description: 'ADMIN: what admins and API keys did, newest first.' })
  async auditLog(@Args(() => AuditLogArgs) args: AuditLogArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<AuditRecord>> {
    return toConnection(await listAuditLog(ctx.service, args.filter ?? {}, args), args.after);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The admin who acted (batched).' })
  actor(@Root() entry: AuditRecord, @Ctx() ctx: RequestContext): Promise<UserRecord | null> | null {
    return entry.actorId ? ctx.loaders.userById.load(entry.actorId) : null;
  }
}
