/** Topics this subgraph publishes on the event bus, and their payloads. */
export const VEHICLE_ADDED = 'vehicles.vehicle.added';
export const VEHICLE_REMOVED = 'vehicles.vehicle.removed';
export const DEVICE_PAIRED = 'vehicles.device.paired';
export const DEVICE_REVOKED = 'vehicles.device.revoked';

export interface VehicleEvent {
  vehicleId: string;
  ownerId: string;
  vin: string;
  at: Date;
}

/** Why a device token stopped working. */
export type DeviceRevocationReason = 'REVOKED' | 'REPAIRED' | 'VEHICLE_REMOVED';

export interface DeviceEvent {
  deviceId: string;
  vehicleId: string;
  serial: string;
  at: Date;
  reason?: DeviceRevocationReason;
}
