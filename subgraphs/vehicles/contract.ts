import { z } from 'zod';

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
