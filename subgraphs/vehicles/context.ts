import type { SubgraphContext } from '../../platform/subgraph/context.js';
import type { VehicleLoaders } from './vehicles/vehicle.loader.js';

export interface VehiclesContext extends SubgraphContext {
  loaders: VehicleLoaders;
}
