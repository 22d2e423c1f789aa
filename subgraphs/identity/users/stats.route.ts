import type { Router } from 'express';
import { serveInternalRoute } from '../../../platform/http/internal-route.js';
import { identityRoutes } from '../contract.js';
import type { UserStore } from './user.store.js';

/** Service-to-service: account counts for the agents' customers goal (see contract.ts). */
export function mountStatsRoute(router: Router, users: UserStore): void {
  serveInternalRoute(router, identityRoutes.stats, async () => ({ customers: await users.countWithRole('CUSTOMER') }));
}
