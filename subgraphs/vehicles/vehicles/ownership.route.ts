import type { Router } from 'express';
import { InternalReply, serveInternalRoute } from '../../../platform/http/internal-route.js';
import { MAX_OWNERSHIP_IDS, vehiclesRoutes } from '../contract.js';
import type { VehicleStore } from './vehicle.store.js';

/** Both vehicle-id routes refuse the same way. */
export const invalidVehicleIds = () =>
  new InternalReply(400, { error: `vehicleIds must be a list of at most ${MAX_OWNERSHIP_IDS} ids` });

/** Service-to-service: other subgraphs ask who owns vehicles (see contract.ts). */
export function mountOwnershipRoute(router: Router, vehicles: VehicleStore): void {
  serveInternalRoute(
    router,
    vehiclesRoutes.ownership,
    async ({ vehicleIds }) => {
      const docs = await vehicles.findByIds([...new Set(vehicleIds)]);
      return {
        vehicles: docs
          .filter((d) => d !== null)
          .map((d) => ({ vehicleId: d._id.toHexString(), ownerId: d.ownerId, active: d.removedAt === null })),
      };
    },
    { invalid: invalidVehicleIds },
  );
}
