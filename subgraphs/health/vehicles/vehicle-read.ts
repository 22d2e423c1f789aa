import {
  authorizeVehicle,
  type VehicleAccess,
  type VehicleOwnership,
} from '../../../platform/access/vehicle-access.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';

const checked = new WeakMap<object, Map<string, Promise<VehicleOwnership>>>();

/**
 * `authorizeVehicle(..., 'read')` once per request and vehicle: a dashboard query selecting
 * health, alerts, maintenance and estimates of a vehicle costs one ownership check.
 */
export function authorizeRead(
  access: VehicleAccess,
  context: SubgraphContext,
  vehicleId: string,
): Promise<VehicleOwnership> {
  let perRequest = checked.get(context);
  if (!perRequest) checked.set(context, (perRequest = new Map()));
  let check = perRequest.get(vehicleId);
  if (!check) {
    check = authorizeVehicle(access, context.viewer, vehicleId, 'read');
    perRequest.set(vehicleId, check);
  }
  return check;
}
