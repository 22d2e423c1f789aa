import type { Router } from 'express';
import { InternalReply, serveInternalRoute } from '../../../platform/http/internal-route.js';
import { marketplaceRoutes } from '../contract.js';
import type { CentreStore } from '../centres/centre.store.js';
import type { BookingStore } from './booking.store.js';

/** Service-to-service (contract.ts): which vehicles a user works on through their centres' bookings. */
export function mountPartnerVehiclesRoute(router: Router, centres: CentreStore, bookings: BookingStore): void {
  serveInternalRoute(
    router,
    marketplaceRoutes.partnerVehicles,
    async ({ userId, vehicleIds }) => {
      const centreIds = (await centres.ofMember(userId)).map((c) => c._id.toHexString());
      return { vehicleIds: await bookings.vehiclesAtCentres(centreIds, vehicleIds) };
    },
    { invalid: () => new InternalReply(400, { error: 'userId and 1 to 100 vehicleIds are required' }) },
  );
}
