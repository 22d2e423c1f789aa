import type { SubgraphContext } from '../../platform/subgraph/context.js';
import type { LiveBookings } from './bookings/booking-updates.resolver.js';
import type { CentreLoaders } from './centres/centre.loader.js';
import type { LiveRoadside } from './roadside/roadside-live.js';

export interface MarketplaceContext extends SubgraphContext {
  loaders: CentreLoaders;
  /** For bookingUpdates (set by index.ts). */
  bookingsLive?: LiveBookings;
  /** For roadsideUpdates and roadsideOffers (set by index.ts). */
  roadsideLive?: LiveRoadside;
}
