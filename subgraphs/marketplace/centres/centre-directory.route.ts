import type { Router } from 'express';
import { serveInternalRoute } from '../../../platform/http/internal-route.js';
import { marketplaceRoutes } from '../contract.js';
import type { CentreStore } from './centre.store.js';

/**
 * Service-to-service (contract.ts), for payments: which centres a user acts for, and centres as
 * an invoice names them. Membership stays here; payments asks instead of copying it.
 */
export function mountCentreDirectoryRoutes(router: Router, centres: CentreStore): void {
  serveInternalRoute(router, marketplaceRoutes.memberCentres, async ({ userId }) => ({
    centreIds: (await centres.ofMember(userId)).map((c) => c._id.toHexString()),
  }));
  serveInternalRoute(router, marketplaceRoutes.centreProfiles, async ({ centreIds }) => ({
    centres: (await centres.findByIds(centreIds))
      .filter((c) => c !== null)
      .map((c) => ({ id: c._id.toHexString(), name: c.name, address: c.address ?? null, memberIds: c.memberIds })),
  }));
}
