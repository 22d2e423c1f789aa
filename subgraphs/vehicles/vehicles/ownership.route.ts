import type { Router } from 'express';
import { z } from 'zod';
import type { VehicleOwnership } from '../../../platform/access/vehicle-access.js';
import type { VehicleStore } from './vehicle.store.js';

/** Bounds the lookup a single call can cause. */
export const MAX_OWNERSHIP_IDS = 500;

const bodySchema = z.object({
  vehicleIds: z.array(z.string().max(64)).max(MAX_OWNERSHIP_IDS),
});

/**
 * Service-to-service: other subgraphs ask who owns vehicles (contract in
 * platform/access/vehicle-access.ts). Unknown ids are left out of the answer.
 */
export function mountOwnershipRoute(router: Router, vehicles: VehicleStore): void {
  router.post('/internal/vehicles/ownership', async (req, res, next) => {
    try {
      const parsed = bodySchema.safeParse(req.body);
      if (!parsed.success) {
        return void res.status(400).json({ error: `vehicleIds must be a list of at most ${MAX_OWNERSHIP_IDS} ids` });
      }
      const docs = await vehicles.findByIds([...new Set(parsed.data.vehicleIds)]);
      const answer: VehicleOwnership[] = docs
        .filter((d) => d !== null)
        .map((d) => ({ vehicleId: d._id.toHexString(), ownerId: d.ownerId, active: d.removedAt === null }));
      res.json({ vehicles: answer });
    } catch (error) {
      next(error);
    }
  });
}
