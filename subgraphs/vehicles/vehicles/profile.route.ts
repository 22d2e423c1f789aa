import type { Router } from 'express';
import { z } from 'zod';
import { MAX_OWNERSHIP_IDS } from './ownership.route.js';
import type { VehicleStore } from './vehicle.store.js';

const bodySchema = z.object({
  vehicleIds: z.array(z.string().max(64)).max(MAX_OWNERSHIP_IDS),
});

/**
 * Service-to-service: what vehicles are (make, model, year), for subgraphs that compare or
 * estimate by them (health). Never who owns them. Unknown ids are left out of the answer.
 */
export function mountProfileRoute(router: Router, vehicles: VehicleStore): void {
  router.post('/internal/vehicles/profiles', async (req, res, next) => {
    try {
      const parsed = bodySchema.safeParse(req.body);
      if (!parsed.success) {
        return void res.status(400).json({ error: `vehicleIds must be a list of at most ${MAX_OWNERSHIP_IDS} ids` });
      }
      const docs = await vehicles.findByIds([...new Set(parsed.data.vehicleIds)]);
      const vehiclesFound = docs
        .filter((d) => d !== null)
        .map((d) => ({
          vehicleId: d._id.toHexString(),
          make: d.make ?? null,
          model: d.model ?? null,
          year: d.year ?? null,
          active: d.removedAt === null,
        }));
      res.json({ vehicles: vehiclesFound });
    } catch (error) {
      next(error);
    }
  });
}
