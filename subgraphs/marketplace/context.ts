import type { SubgraphContext } from '../../platform/subgraph/context.js';
import type { LiveBookings } from './bookings/booking-updates.resolver.js';
import type { CentreLoaders } from './centres/centre.loader.js';

export interface MarketplaceContext extends SubgraphContext {
  loaders: CentreLoaders;
  /** For bookingUpdates (set by index.ts). */
  bookingsLive?: LiveBookings;
}
