import { type AuditRecord, listAuditLog } from '@coupons/core';
import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { type ConnectionShape, toConnection } from '../shared/connection.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { AuditLogArgs, AuditLogEntry, AuditLogEntryConnection } from './audit.type.ts';

@Resolver(() => AuditLogEntry)
export class AuditResolver {
  @Authorized('ADMIN')
  @Query(() => AuditLogEntryConnection, { description: 'ADMIN: what admins and API keys did, newest first.' })
  async auditLog(@Args(() => AuditLogArgs) args: AuditLogArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<AuditRecord>> {
    return toConnection(await listAuditLog(ctx.service, args.filter ?? {}, args), args.after);
  }
}
