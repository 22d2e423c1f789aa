import type { MarketplaceContext } from '../context.js';
import { toCentre } from './centre.store.js';
import type { ServiceCentre } from './centre.type.js';

/** Centres are public listings: any reference resolves (bookings, alerts' suggestions). */
export async function resolveCentreReference(
  reference: Pick<ServiceCentre, 'id'>,
  context: MarketplaceContext,
): Promise<ServiceCentre | null> {
  const doc = await context.loaders.byId.load(String(reference.id));
  return doc ? toCentre(doc) : null;
}
