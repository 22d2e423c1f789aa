import type { Router } from 'express';
import { ObjectId } from 'mongodb';
import { serveInternalRoute } from '../../../platform/http/internal-route.js';
import { AuditEventType } from '../audit/audit-event.type.js';
import type { AuditStore } from '../audit/audit.store.js';
import { identityRoutes } from '../contract.js';
import type { UserStore } from './user.store.js';

/** Service-to-service (marketplace's partner approval and centre staff): grants a role; see contract.ts. */
export function mountRoleGrantRoute(router: Router, users: UserStore, audit: AuditStore): void {
  serveInternalRoute(router, identityRoutes.grantRole, async ({ userId, role, actorId, ip, requestId, detail }) => {
    const before = await users.addRole(new ObjectId(userId), role);
    if (!before) return { found: false as const };
    const granted = !before.roles.includes(role);
    if (granted) {
      await audit.record({
        type: AuditEventType.ROLE_GRANTED,
        userId,
        actorId,
        ip: ip ?? null,
        requestId: requestId ?? null,
        detail: `${role}: ${detail}`,
      });
    }
    return { found: true as const, userId, roles: granted ? [...before.roles, role] : before.roles, granted };
  });
}
