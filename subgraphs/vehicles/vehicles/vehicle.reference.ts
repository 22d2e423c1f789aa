import { requireUser } from '../../../platform/subgraph/context.js';
import type { VehiclesContext } from '../context.js';
import { assertVehicleAccess, canAccessVehicle } from './vehicle-policy.js';
import { toVehicle } from './vehicle.store.js';
import type { Vehicle } from './vehicle.type.js';

/**
 * Other subgraphs point at vehicles (alerts, telemetry events); the same object-level rule
 * applies as to `vehicle(id)`, so a reference never shows a vehicle its viewer may not see.
 * Removed vehicles still resolve: what points at them is history.
 */
export async function resolveVehicleReference(
  reference: Pick<Vehicle, 'id'>,
  context: VehiclesContext,
): Promise<Vehicle | null> {
  const viewer = requireUser(context);
  const doc = await context.loaders.byId.load(String(reference.id));
  if (!doc) return null;
  // A centre's members read the vehicles booked there (contract: marketplace's PARTNER_VEHICLES_ROUTE);
  // what they may not see of them (owner's email, other vehicles, telemetry history) each field refuses.
  if (
    !canAccessVehicle(viewer, doc.ownerId) &&
    doc.removedAt === null &&
    (await context.partners?.seesVehicle(viewer.userId, doc._id.toHexString()).catch(() => false))
  )
    return toVehicle(doc);
  return toVehicle(assertVehicleAccess(viewer, doc));
}
