import type { OrgGrants } from '../../platform/access/org-grants.js';
import type { PartnerAccess } from '../../platform/access/partner-access.js';
import type { SubgraphContext } from '../../platform/subgraph/context.js';
import type { VehicleLoaders } from './vehicles/vehicle.loader.js';

export interface VehiclesContext extends SubgraphContext {
  loaders: VehicleLoaders;
  /** Centre members see the vehicles booked at their centres (the marketplace). */
  partners?: PartnerAccess;
  /** Owners' grants to organisations: an org's API key sees a vehicle granted to it. */
  grants?: OrgGrants;
}
