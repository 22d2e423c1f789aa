import type { Router } from 'express';
import { PARTNER_VEHICLES_ROUTE, partnerVehiclesRequestSchema, type PartnerVehiclesResponse } from '../contract.js';
import type { CentreStore } from '../centres/centre.store.js';
import type { BookingStore } from './booking.store.js';

/** Service-to-service (contract.ts): which vehicles a user works on through their centres' bookings. */
export function mountPartnerVehiclesRoute(router: Router, centres: CentreStore, bookings: BookingStore): void {
  router.post(PARTNER_VEHICLES_ROUTE, async (req, res, next) => {
    try {
      const parsed = partnerVehiclesRequestSchema.safeParse(req.body);
      if (!parsed.success) return void res.status(400).json({ error: 'userId and 1 to 100 vehicleIds are required' });
      const centreIds = (await centres.ofMember(parsed.data.userId)).map((c) => c._id.toHexString());
      const answer: PartnerVehiclesResponse = {
        vehicleIds: await bookings.vehiclesAtCentres(centreIds, parsed.data.vehicleIds),
      };
      res.json(answer);
    } catch (error) {
      next(error);
    }
  });
}
