import type { Router } from 'express';
import {
  FLEET_PROVISIONED_ROUTE,
  fleetProvisionedAuditSchema,
  PROVISION_ACCOUNTS_ROUTE,
  provisionAccountsRequestSchema,
} from '../contract.js';
import { InvalidAccountsError, type AccountProvisioning } from './account-provisioning.js';

/** Service-to-service (vehicles' provisionFleet): accounts by email, and the call's audit entry. See contract.ts. */
export function mountProvisionRoutes(router: Router, provisioning: AccountProvisioning): void {
  router.post(PROVISION_ACCOUNTS_ROUTE, async (req, res, next) => {
    try {
      const parsed = provisionAccountsRequestSchema.safeParse(req.body);
      if (!parsed.success) return void res.status(400).json({ error: parsed.error.issues[0]?.message });
      res.json(await provisioning.handle(parsed.data));
    } catch (error) {
      if (error instanceof InvalidAccountsError) return void res.status(400).json({ error: error.message });
      next(error);
    }
  });

  router.post(FLEET_PROVISIONED_ROUTE, async (req, res, next) => {
    try {
      const parsed = fleetProvisionedAuditSchema.safeParse(req.body);
      if (!parsed.success) return void res.status(400).json({ error: parsed.error.issues[0]?.message });
      await provisioning.recordFleet(parsed.data);
      res.json({ recorded: true });
    } catch (error) {
      next(error);
    }
  });
}
