import { Arg, Authorized, ID, Resolver, Root, Subscription } from 'type-graphql';
import { authorizeVehicle } from '../../../platform/access/vehicle-access.js';
import { busIterator } from '../../../platform/events/bus-iterator.js';
import type { TelemetryContext } from '../context.js';
import { TelemetryEvent } from './telemetry-event.type.js';
import { vehicleTopic, type TelemetryReadingsEvent } from './telemetry-events.js';

/** Checked before the bus subscription exists, so a refused caller never receives an event. */
async function subscribeToVehicle({ args, context }: { args: { vehicleId: string }; context: TelemetryContext }) {
  const vehicleId = String(args.vehicleId);
  await authorizeVehicle(context.live.access, context.viewer, vehicleId, 'read');
  return busIterator<TelemetryReadingsEvent>(context.live.bus, vehicleTopic(vehicleId), {
    maxQueue: context.live.maxQueue,
  });
}

@Resolver()
export class VehicleTelemetryResolver {
  @Authorized()
  @Subscription(() => TelemetryEvent, {
    subscribe: subscribeToVehicle,
    description: "A vehicle's readings as they are stored (owners and staff)",
  })
  vehicleTelemetry(
    @Root() event: TelemetryReadingsEvent,
    @Arg('vehicleId', () => ID) _vehicleId: string,
  ): TelemetryEvent {
    return {
      vehicle: { id: event.vehicleId },
      recordedAt: new Date(event.recordedAt),
      readings: event.readings.map((r) => ({ ...r, recordedAt: new Date(r.recordedAt) })),
    };
  }
}
