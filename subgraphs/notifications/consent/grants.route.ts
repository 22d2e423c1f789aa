import type { Router } from 'express';
import { serveInternalRoute } from '../../../platform/http/internal-route.js';
import { notificationsRoutes } from '../contract.js';
import type { GrantStore } from './grant.store.js';

/** Data subgraphs ask which scopes of a vehicle an organisation's API keys may read (contract.ts). */
export function serveVehicleGrants(router: Router, grants: GrantStore): void {
  serveInternalRoute(router, notificationsRoutes.vehicleGrants, async ({ organizationId, vehicleId }) => ({
    scopes: await grants.scopesOf(vehicleId, organizationId),
  }));
}
