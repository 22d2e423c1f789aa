import { ObjectId } from 'mongodb';
import { z } from 'zod';
import type { EventBus } from '../../../platform/events/bus.js';
import { BadUserInputError, ConflictError, ForbiddenError } from '../../../platform/errors.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import { DEVICE_PAIRED, DEVICE_REVOKED, deviceEventSchema, type DeviceRevocationReason } from '../contract.js';
import { parseId } from '../ids.js';
import { assertVehicleAccess, canAccessVehicle, type UserViewer } from '../vehicles/vehicle-policy.js';
import type { VehicleStore } from '../vehicles/vehicle.store.js';
import type { Vehicle } from '../vehicles/vehicle.type.js';
import { issueDeviceToken, parseDeviceToken, secretMatches } from './device-token.js';
import { toDevice, type DeviceDocument, type DeviceStore } from './device.store.js';
import type { ObdDevice, ObdPairing } from './device.type.js';

/** A dongle's serial as stored: upper case. */
export const serialSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(
    /^[A-Z0-9][A-Z0-9:._-]{2,63}$/,
    'serial must be 3 to 64 letters, digits or : . _ - (starting with a letter or digit)',
  );

export interface DeviceLimits {
  /** Live devices per vehicle; keeps a runaway client from minting tokens without end. */
  maxDevicesPerVehicle: number;
}

export interface VerifiedDevice {
  deviceId: string;
  vehicleId: string;
}

export class DeviceService {
  constructor(
    private readonly devices: DeviceStore,
    private readonly vehicles: VehicleStore,
    private readonly bus: EventBus,
    private readonly limits: DeviceLimits,
  ) {}

  /**
   * Pairs a dongle and returns its token, once. A serial has one live pairing: pairing it
   * again revokes the old token when the caller also manages the vehicle it was on (a new
   * token for the same car, or the owner moving the dongle to another of their cars);
   * otherwise it is CONFLICT, without saying whose vehicle holds it.
   */
  async pair(viewer: UserViewer, vehicleId: string, rawSerial: string, now = new Date()): Promise<ObdPairing> {
    const id = parseId(vehicleId, 'vehicleId');
    const vehicle = assertVehicleAccess(viewer, await this.vehicles.findById(id));
    if (vehicle.removedAt) throw new ConflictError('This vehicle has been removed');
    const serial = parseInput(serialSchema, rawSerial);

    const current = await this.devices.findActiveBySerial(serial);
    if (current) {
      const holder = await this.vehicles.findById(current.vehicleId);
      if (holder && holder.removedAt === null && !canAccessVehicle(viewer, holder.ownerId)) {
        throw new ConflictError('This device is paired with another vehicle; that pairing must be revoked first');
      }
    }
    const replacing = current?.vehicleId.equals(id) ? 1 : 0;
    if ((await this.devices.countActive(id)) - replacing >= this.limits.maxDevicesPerVehicle) {
      throw new BadUserInputError(
        `A vehicle can have at most ${this.limits.maxDevicesPerVehicle} paired devices; revoke one first`,
        'vehicleId',
      );
    }
    if (current) await this.revokeDevice(current._id, 'REPAIRED', now);

    const deviceId = new ObjectId();
    const { token, secretHash } = issueDeviceToken(deviceId);
    const doc: DeviceDocument = {
      _id: deviceId,
      vehicleId: id,
      serial,
      secretHash,
      pairedBy: viewer.userId,
      pairedAt: now,
      revokedAt: null,
      revokedReason: null,
    };
    if (!(await this.devices.insert(doc))) {
      throw new ConflictError('This device was just paired by another request; revoke that pairing first');
    }
    await this.bus.publish(
      DEVICE_PAIRED,
      deviceEventSchema.parse({ deviceId: deviceId.toHexString(), vehicleId, serial, at: now }),
    );
    return { deviceToken: token, device: toDevice(doc) };
  }

  async revoke(viewer: UserViewer, deviceId: string, now = new Date()): Promise<ObdDevice> {
    const device = await this.devices.findById(parseId(deviceId, 'id'));
    const vehicle = device ? await this.vehicles.findById(device.vehicleId) : null;
    const owned = assertVehicleAccess(
      viewer,
      device && vehicle ? { ...device, ownerId: vehicle.ownerId } : null,
      'OBD device',
    );
    return toDevice(await this.revokeDevice(owned._id, 'REVOKED', now));
  }

  async listForVehicle(viewer: UserViewer, vehicle: Vehicle, includeRevoked: boolean): Promise<ObdDevice[]> {
    if (!canAccessVehicle(viewer, vehicle.ownerId)) throw new ForbiddenError('Not your vehicle');
    return (await this.devices.listByVehicle(new ObjectId(vehicle.id), includeRevoked)).map(toDevice);
  }

  /** A removed vehicle takes its devices' tokens with it. */
  async revokeAllForVehicle(vehicleId: ObjectId, now: Date): Promise<void> {
    const revoked = await this.devices.revokeAllForVehicle(vehicleId, 'VEHICLE_REMOVED', now);
    for (const device of revoked) await this.publishRevoked(device, 'VEHICLE_REMOVED', now);
  }

  /** For the gateway: who a device token speaks for, or null for anything but a live one. */
  async verify(token: unknown): Promise<VerifiedDevice | null> {
    const parsed = parseDeviceToken(token);
    if (!parsed) return null;
    const device = await this.devices.findById(parsed.deviceId);
    if (!device || !secretMatches(parsed.secret, device.secretHash) || device.revokedAt) return null;
    const vehicle = await this.vehicles.findById(device.vehicleId);
    if (!vehicle || vehicle.removedAt) return null;
    return { deviceId: device._id.toHexString(), vehicleId: vehicle._id.toHexString() };
  }

  private async revokeDevice(id: ObjectId, reason: DeviceRevocationReason, now: Date): Promise<DeviceDocument> {
    const result = await this.devices.revoke(id, reason, now);
    if (!result) throw new Error(`device ${id.toHexString()} vanished while being revoked`);
    if (result.revokedNow) await this.publishRevoked(result.device, reason, now);
    return result.device;
  }

  private publishRevoked(device: DeviceDocument, reason: DeviceRevocationReason, at: Date) {
    // Gateways drop their cached verdict for the token and close its sockets on this event.
    return this.bus.publish(
      DEVICE_REVOKED,
      deviceEventSchema.parse({
        deviceId: device._id.toHexString(),
        vehicleId: device.vehicleId.toHexString(),
        serial: device.serial,
        at,
        reason,
      }),
    );
  }
}
