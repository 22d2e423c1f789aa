import type { Router } from 'express';
import { serveInternalRoute } from '../../../platform/http/internal-route.js';
import { vehiclesRoutes } from '../contract.js';
import { invalidVehicleIds } from './ownership.route.js';
import type { VehicleStore } from './vehicle.store.js';

/**
 * Service-to-service: what vehicles are (make, model, year), for subgraphs that compare or
 * estimate by them (health). Never who owns them. See contract.ts.
 */
export function mountProfileRoute(router: Router, vehicles: VehicleStore): void {
  serveInternalRoute(
    router,
    vehiclesRoutes.profiles,
    async ({ vehicleIds }) => {
      const docs = await vehicles.findByIds([...new Set(vehicleIds)]);
      return {
        vehicles: docs
          .filter((d) => d !== null)
          .map((d) => ({
            vehicleId: d._id.toHexString(),
            make: d.make ?? null,
            model: d.model ?? null,
            year: d.year ?? null,
            active: d.removedAt === null,
          })),
      };
    },
    { invalid: invalidVehicleIds },
  );
}
