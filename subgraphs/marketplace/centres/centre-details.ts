import { NotFoundError } from '../../../platform/errors.js';
import type { MarketplaceContext } from '../context.js';
import type { LatLng } from '../geo/haversine.js';
import { toCentre } from './centre.store.js';
import type { OpeningHours, ServiceCentre } from './centre.type.js';
import type { Schedule } from './opening-hours.js';

/**
 * A centre as a nearby search's compact copy answers it (centre-location.store.ts): what a list
 * of nearby centres usually shows. The other fields (address, services and prices, closures'
 * reasons, bays, rating, members) are loaded only when a client selects one, for the whole page
 * at once through the request's loader (CentreDetailsResolver): reading the page's whole
 * centres was half of a search's time.
 */
export interface CompactCentre {
  compact: true;
  id: string;
  /** Absent in a copy of an older layout: then read from the centre. */
  name?: string;
  location: LatLng;
  distanceKm: number | null;
  timezone: string;
  openingHours: OpeningHours[];
  /** For openNow: closures' dates without their reasons. */
  schedule: Schedule;
}

/** What ServiceCentre's resolvers get: a whole centre, or a search's compact one. */
export type CentreRoot = ServiceCentre | CompactCentre;

export const isCompact = (centre: CentreRoot): centre is CompactCentre => 'compact' in centre;

/** The whole centre behind a root (loaded once per request and centre, batched with the page's others). */
export async function centreDetails(centre: CentreRoot, ctx: MarketplaceContext): Promise<ServiceCentre> {
  if (!isCompact(centre)) return centre;
  const doc = await ctx.loaders.byId.load(centre.id);
  // Centres are never deleted; a copy without its centre is a bug, not a client's mistake.
  if (!doc) throw new NotFoundError('Service centre');
  return toCentre(doc, centre.distanceKm);
}
