import type { DataScope } from './org-grants.js';
import { authorizeVehicle, type VehicleAccess, type VehicleOwnership } from './vehicle-access.js';
import type { SubgraphContext } from '../subgraph/context.js';

const checked = new WeakMap<object, Map<string, Promise<VehicleOwnership>>>();

/**
 * `authorizeVehicle(..., 'read')`, asked once per request and vehicle: a query selecting several
 * fields of many vehicles costs one ownership check per vehicle, and a refusal is the same
 * refusal on every field. `scope` is what an organisation's API key needs granted to read it.
 */
export function authorizeRead(
  access: VehicleAccess,
  context: SubgraphContext,
  vehicleId: string,
  scope?: DataScope,
): Promise<VehicleOwnership> {
  let perRequest = checked.get(context);
  if (!perRequest) checked.set(context, (perRequest = new Map()));
  const key = `${vehicleId}\u0000${scope ?? ''}`;
  let check = perRequest.get(key);
  if (!check) {
    check = authorizeVehicle(access, context.viewer, vehicleId, 'read', scope);
    perRequest.set(key, check);
  }
  return check;
}
