import type { PartnerAccess } from '../../platform/access/partner-access.js';
import type { SubgraphContext } from '../../platform/subgraph/context.js';
import type { VehicleLoaders } from './vehicles/vehicle.loader.js';

export interface VehiclesContext extends SubgraphContext {
  loaders: VehicleLoaders;
  /** Centre members see the vehicles booked at their centres (the marketplace). */
  partners?: PartnerAccess;
}
