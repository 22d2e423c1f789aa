import type { Router } from 'express';
import { serveInternalRoute } from '../../../platform/http/internal-route.js';
import { identityRoutes } from '../contract.js';
import { AuditEventType } from './audit-event.type.js';
import type { AuditStore } from './audit.store.js';

/** Organisations' reads of granted vehicles, batched by the data subgraphs (contract.ts): one entry each. */
export function serveVehicleDataReads(router: Router, audit: AuditStore): void {
  serveInternalRoute(router, identityRoutes.vehicleDataReads, async ({ reads }) => {
    await audit.recordMany(
      reads.map((read) => ({
        type: AuditEventType.VEHICLE_DATA_READ,
        userId: read.organizationId,
        actorId: `apikey:${read.keyId}`,
        detail: `${read.scope} of vehicle ${read.vehicleId}`,
        at: new Date(read.at),
      })),
    );
    return { recorded: reads.length };
  });
}
