import type { Router } from 'express';
import { serveInternalRoute } from '../../../platform/http/internal-route.js';
import { identityRoutes } from '../contract.js';
import type { UserStore } from './user.store.js';

/** Service-to-service: account counts for the agents' customers goal (see contract.ts). */
export function mountStatsRoute(router: Router, users: UserStore): void {
  serveInternalRoute(router, identityRoutes.stats, async () => ({ customers: await users.countWithRole('CUSTOMER') }));
}

/** Service-to-service: accounts' display names, for invoices (see contract.ts). */
export function mountAccountNamesRoute(router: Router, users: UserStore): void {
  serveInternalRoute(router, identityRoutes.accountNames, async ({ userIds }) => ({
    accounts: (await users.findByIds(userIds))
      .filter((u) => u !== null)
      .map((u) => ({ userId: u._id.toHexString(), name: u.name })),
  }));
}

/** Service-to-service: accounts' email addresses, for the notifications email channel (see contract.ts). */
export function mountAccountEmailsRoute(router: Router, users: UserStore): void {
  serveInternalRoute(router, identityRoutes.accountEmails, async ({ userIds }) => ({
    accounts: (await users.findByIds(userIds))
      .filter((u) => u !== null)
      .map((u) => ({ userId: u._id.toHexString(), name: u.name, email: u.email })),
  }));
}
