import { z } from 'zod';
import { InternalClient, internalRoute, type InternalClientOptions } from '../../platform/http/internal-route.js';
import { indexCheckRoute } from '../../platform/ops/index-check.js';

/**
 * What the vehicles subgraph publishes on the event bus: topic names and payload schemas.
 * Publishers parse a payload with its schema before sending it; consumers parse what they
 * receive (the gateway closes sockets and drops cached device verdicts on a revocation).
 * Payloads travel as JSON, so `at` leaves as a Date and arrives as an ISO string: the
 * schemas accept both.
 */
export const VEHICLE_ADDED = 'vehicles.vehicle.added';
export const VEHICLE_REMOVED = 'vehicles.vehicle.removed';
export const DEVICE_PAIRED = 'vehicles.device.paired';
/** A device token stopped working: revoked, replaced by a new pairing, or its vehicle removed. */
export const DEVICE_REVOKED = 'vehicles.device.revoked';

export const vehicleEventSchema = z.object({
  vehicleId: z.string().min(1),
  ownerId: z.string().min(1),
  vin: z.string().min(1),
  at: z.coerce.date(),
});
export type VehicleEvent = z.infer<typeof vehicleEventSchema>;

export const DEVICE_REVOCATION_REASONS = ['REVOKED', 'REPAIRED', 'VEHICLE_REMOVED'] as const;
/** Why a device token stopped working. */
export type DeviceRevocationReason = (typeof DEVICE_REVOCATION_REASONS)[number];

export const deviceEventSchema = z.object({
  deviceId: z.string().min(1),
  vehicleId: z.string().min(1),
  serial: z.string().min(1),
  at: z.coerce.date(),
  reason: z.enum(DEVICE_REVOCATION_REASONS).optional(),
});
export type DeviceEvent = z.infer<typeof deviceEventSchema>;

/**
 * Internal routes (behind the internal secret), typed on both sides
 * (platform/http/internal-route.ts). Unknown vehicle ids are left out of an answer.
 */
/** Most vehicle ids one ownership or profile call may name: bounds the lookup it causes. */
export const MAX_OWNERSHIP_IDS = 500;
const vehicleIdsRequest = z.object({ vehicleIds: z.array(z.string().max(64)).max(MAX_OWNERSHIP_IDS) });
export type VehicleIdsRequest = z.infer<typeof vehicleIdsRequest>;

/** Who owns a vehicle; `active` is false once it is removed (soft delete). */
export const vehicleOwnershipSchema = z.object({ vehicleId: z.string(), ownerId: z.string(), active: z.boolean() });
export type VehicleOwnership = z.infer<typeof vehicleOwnershipSchema>;

/** What a vehicle is (for subgraphs that compare or estimate by it, such as health), never who owns it. */
export const vehicleProfileSchema = z.object({
  vehicleId: z.string(),
  make: z.string().nullable(),
  model: z.string().nullable(),
  year: z.number().int().nullable(),
  active: z.boolean(),
});
export type VehicleProfile = z.infer<typeof vehicleProfileSchema>;

/** Is an OBD device token (`dt_...`) live, and for which vehicle? One that is not is answered 401 `{ valid: false }`. */
export const deviceVerdictSchema = z.discriminatedUnion('valid', [
  z.object({ valid: z.literal(true), deviceId: z.string(), vehicleId: z.string() }),
  z.object({ valid: z.literal(false) }),
]);
export type DeviceVerdict = z.infer<typeof deviceVerdictSchema>;

export const VEHICLES_STATS_ROUTE = '/internal/vehicles/stats';
export const vehiclesStatsSchema = z.object({
  vehicles: z.number().int().nonnegative(),
  activeDevices: z.number().int().nonnegative(),
});
export type VehiclesStats = z.infer<typeof vehiclesStatsSchema>;

export const vehiclesRoutes = {
  /** Every subgraph (platform/access/vehicle-access.ts): object-level authorization. */
  ownership: internalRoute({
    method: 'POST',
    path: '/internal/vehicles/ownership',
    request: vehicleIdsRequest,
    response: z.object({ vehicles: z.array(vehicleOwnershipSchema) }),
  }),
  /** Health: make, model and year. */
  profiles: internalRoute({
    method: 'POST',
    path: '/internal/vehicles/profiles',
    request: vehicleIdsRequest,
    response: z.object({ vehicles: z.array(vehicleProfileSchema) }),
  }),
  /** The agents' goals: vehicles registered (not removed) and OBD devices paired (not revoked). */
  stats: internalRoute({
    method: 'GET',
    path: VEHICLES_STATS_ROUTE,
    request: z.object({}),
    response: vehiclesStatsSchema,
  }),
  /** The agents' index check: vehicles' declared indexes against its database. */
  indexes: indexCheckRoute('vehicles'),
  /** The gateway: device tokens. */
  verifyDevice: internalRoute({
    method: 'POST',
    path: '/internal/devices/verify',
    request: z.object({ credential: z.string() }),
    response: deviceVerdictSchema,
    answers: [401],
  }),
};

/** A typed client of the vehicles subgraph's internal routes; every failure is an InternalCallError. */
export function vehiclesClient(options: InternalClientOptions) {
  const client = new InternalClient(options);
  return {
    ownership: async (vehicleIds: string[]) => (await client.call(vehiclesRoutes.ownership, { vehicleIds })).vehicles,
    profiles: async (vehicleIds: string[]) => (await client.call(vehiclesRoutes.profiles, { vehicleIds })).vehicles,
    verifyDevice: (credential: string) => client.call(vehiclesRoutes.verifyDevice, { credential }),
    stats: (timeoutMs?: number) => client.call(vehiclesRoutes.stats, {}, { timeoutMs }),
  };
}
export type VehiclesClient = ReturnType<typeof vehiclesClient>;
