import type { Router } from 'express';
import { InternalReply, serveInternalRoute } from '../../../platform/http/internal-route.js';
import { identityRoutes } from '../contract.js';
import { InvalidAccountsError, type AccountProvisioning } from './account-provisioning.js';

/** Service-to-service (vehicles' provisionFleet): accounts by email, and the call's audit entry. See contract.ts. */
export function mountProvisionRoutes(router: Router, provisioning: AccountProvisioning): void {
  serveInternalRoute(router, identityRoutes.provisionAccounts, async (request) => {
    try {
      return await provisioning.handle(request);
    } catch (error) {
      if (error instanceof InvalidAccountsError) return new InternalReply(400, { error: error.message });
      throw error;
    }
  });

  serveInternalRoute(router, identityRoutes.fleetProvisioned, async (entry) => {
    await provisioning.recordFleet(entry);
    return { recorded: true as const };
  });
}
