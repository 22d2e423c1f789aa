import { Arg, Args, Authorized, Query, Resolver } from 'type-graphql';
import { PageArgs } from '../../../platform/graphql/pagination.js';
import { scope } from '../../../platform/subgraph/context.js';
import { AuditEventConnection, AuditEventType } from './audit-event.type.js';
import type { AuditStore } from './audit.store.js';

@Resolver()
export class AuditLogResolver {
  constructor(private readonly audit: AuditStore) {}

  @Authorized('ADMIN', scope('audit:read'))
  @Query(() => AuditEventConnection, { description: 'Authentication events, newest first (admins)' })
  auditLog(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('type', () => AuditEventType, { nullable: true }) type?: AuditEventType,
    @Arg('userId', () => String, { nullable: true }) userId?: string,
  ) {
    return this.audit.list({ type, userId }, page);
  }
}
