import { Arg, Authorized, ID, Resolver, Root, Subscription } from 'type-graphql';
import { z } from 'zod';
import { authorizeVehicle } from '../../../platform/access/vehicle-access.js';
import { isStaff } from '../../../platform/auth/viewer.js';
import { ForbiddenError } from '../../../platform/errors.js';
import { busIterator } from '../../../platform/events/bus-iterator.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import type { HealthContext } from '../context.js';
import { HEALTH_ALERTS, vehicleAlertsTopic, type HealthAlertEvent } from './alert-events.js';
import { alertFromEvent, HealthAlert } from './alert.type.js';

const vehicleId = z.string().min(1).max(64, 'vehicleId is not a vehicle id');

/** Checked before the bus subscription exists, so a refused caller never receives an event. */
async function subscribeToAlerts({ args, context }: { args: { vehicleId?: string | null }; context: HealthContext }) {
  const { bus, access, maxQueue } = context.live;
  if (args.vehicleId === undefined || args.vehicleId === null) {
    if (!isStaff(context.viewer))
      throw new ForbiddenError("Only staff may follow every vehicle's alerts; pass a vehicleId");
    return busIterator<HealthAlertEvent>(bus, HEALTH_ALERTS, { maxQueue });
  }
  const id = parseInput(vehicleId, String(args.vehicleId));
  await authorizeVehicle(access, context.viewer, id, 'read');
  return busIterator<HealthAlertEvent>(bus, vehicleAlertsTopic(id), { maxQueue });
}

@Resolver()
export class HealthAlertsResolver {
  @Authorized()
  @Subscription(() => HealthAlert, {
    subscribe: subscribeToAlerts,
    description:
      "Alerts as they open, are acknowledged and resolve: one vehicle's (its owner and staff), or every vehicle's without vehicleId (staff)",
  })
  healthAlerts(
    @Root() event: HealthAlertEvent,
    @Arg('vehicleId', () => ID, { nullable: true }) _vehicleId: string | null,
  ): HealthAlert {
    return alertFromEvent(event);
  }
}
