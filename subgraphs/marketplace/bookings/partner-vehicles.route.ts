import type { Router } from 'express';
import { InternalReply, serveInternalRoute } from '../../../platform/http/internal-route.js';
import { marketplaceRoutes } from '../contract.js';
import type { CentreStore } from '../centres/centre.store.js';

/** Which of some vehicles a member's centres work on through bookings (BookingStore, with the access window applied). */
export interface PartnerBookings {
  vehiclesAtCentres(centreIds: string[], vehicleIds: string[]): Promise<string[]>;
}

/** Which of some vehicles a centre is helping at the roadside right now (roadside/roadside.store.ts). */
export interface RoadsideHelp {
  vehiclesHelpedBy(centreIds: string[], vehicleIds: string[]): Promise<string[]>;
}

/**
 * Service-to-service (contract.ts): which vehicles a user works on through their centres'
 * bookings and roadside help (scope `work`), or only through roadside help (scope `roadside`).
 */
export function mountPartnerVehiclesRoute(
  router: Router,
  centres: CentreStore,
  bookings: PartnerBookings,
  roadside?: RoadsideHelp,
): void {
  serveInternalRoute(
    router,
    marketplaceRoutes.partnerVehicles,
    async ({ userId, vehicleIds, scope }) => {
      const centreIds = (await centres.ofMember(userId)).map((c) => c._id.toHexString());
      const helped = roadside ? await roadside.vehiclesHelpedBy(centreIds, vehicleIds) : [];
      if (scope === 'roadside') return { vehicleIds: helped };
      const booked = await bookings.vehiclesAtCentres(centreIds, vehicleIds);
      return { vehicleIds: [...new Set([...booked, ...helped])] };
    },
    { invalid: () => new InternalReply(400, { error: 'userId and 1 to 100 vehicleIds are required' }) },
  );
}
