import { authorizeVehicle, type VehicleAccess, type VehicleOwnership } from './vehicle-access.js';
import type { SubgraphContext } from '../subgraph/context.js';

const checked = new WeakMap<object, Map<string, Promise<VehicleOwnership>>>();

/**
 * `authorizeVehicle(..., 'read')`, asked once per request and vehicle: a query selecting several
 * fields of many vehicles costs one ownership check per vehicle, and a refusal is the same
 * refusal on every field.
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
