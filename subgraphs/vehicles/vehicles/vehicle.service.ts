import { ObjectId } from 'mongodb';
import { isStaff } from '../../../platform/auth/viewer.js';
import type { EventBus } from '../../../platform/events/bus.js';
import { BadUserInputError, ConflictError, ForbiddenError } from '../../../platform/errors.js';
import type { PageArgs } from '../../../platform/graphql/pagination.js';
import type { DeviceService } from '../devices/device.service.js';
import { VEHICLE_ADDED, VEHICLE_REMOVED, vehicleEventSchema, type VehicleEvent } from '../contract.js';
import { parseId } from '../ids.js';
import { parseNewVehicle, parseVehicleUpdate } from './vehicle-input.js';
import { assertVehicleAccess, type UserViewer } from './vehicle-policy.js';
import type { VehicleDocumentField } from './vehicle-projection.js';
import { toVehicle, type VehicleDocument, type VehicleStore } from './vehicle.store.js';
import type { AddVehicleInput, UpdateVehicleInput, Vehicle } from './vehicle.type.js';

export interface VehicleLimits {
  /** Active vehicles per owner; generous for a family, bounded against abuse. */
  maxVehiclesPerOwner: number;
}

const eventOf = (doc: VehicleDocument, at: Date): VehicleEvent =>
  vehicleEventSchema.parse({ vehicleId: doc._id.toHexString(), ownerId: doc.ownerId, vin: doc.vin, at });

export class VehicleService {
  constructor(
    private readonly store: VehicleStore,
    private readonly devices: DeviceService,
    private readonly bus: EventBus,
    private readonly limits: VehicleLimits,
  ) {}

  /** Registers a vehicle to the caller. A VIN already on an active vehicle is CONFLICT. */
  async add(viewer: UserViewer, input: AddVehicleInput, now = new Date()): Promise<Vehicle> {
    const { vin, ...details } = parseNewVehicle({ ...input }, now);
    // Counted before the insert, so concurrent adds may overshoot by a few: a soft cap.
    if ((await this.store.countActiveByOwner(viewer.userId)) >= this.limits.maxVehiclesPerOwner) {
      throw new BadUserInputError(`You can have at most ${this.limits.maxVehiclesPerOwner} vehicles; remove one first`);
    }
    const doc: VehicleDocument = {
      _id: new ObjectId(),
      ownerId: viewer.userId,
      vin: vin.vin,
      vinInfo: { wmi: vin.wmi, region: vin.region, manufacturer: vin.manufacturer, modelYear: vin.modelYear },
      ...details,
      createdAt: now,
      updatedAt: now,
      removedAt: null,
    };
    const inserted = await this.store.insert(doc);
    if (!inserted.ok) throw new ConflictError('A vehicle with this VIN is already registered');
    await this.bus.publish(VEHICLE_ADDED, eventOf(doc, now));
    return toVehicle(doc);
  }

  async update(viewer: UserViewer, id: string, input: UpdateVehicleInput, now = new Date()): Promise<Vehicle> {
    const current = await this.find(viewer, id);
    if (current.removedAt) throw new ConflictError('This vehicle has been removed');
    const changes = parseVehicleUpdate({ ...input }, current.vinInfo, now);
    const updated = await this.store.update(current._id, changes, now);
    if (!updated) throw new ConflictError('This vehicle has been removed');
    return toVehicle(updated);
  }

  /** Soft delete: the record stays as history, the VIN is free again and the devices stop working. */
  async remove(viewer: UserViewer, id: string, now = new Date()): Promise<Vehicle> {
    const current = await this.find(viewer, id);
    const result = await this.store.remove(current._id, now);
    if (!result) throw new Error(`vehicle ${id} vanished while being removed`);
    // Also on a repeated removal, so devices a crash left behind are revoked after all.
    await this.devices.revokeAllForVehicle(current._id, now);
    if (result.removedNow) await this.bus.publish(VEHICLE_REMOVED, eventOf(result.vehicle, now));
    return toVehicle(result.vehicle);
  }

  /** One vehicle, removed ones included (history), if the viewer may see it. */
  async get(viewer: UserViewer, id: string): Promise<Vehicle | null> {
    const vehicle = await this.store.readById(parseId(id, 'id'));
    if (!vehicle && isStaff(viewer)) return null;
    return toVehicle(assertVehicleAccess(viewer, vehicle));
  }

  /** A vehicle for an organisation its owner granted it to (checked by the caller): active ones only. */
  async granted(id: string): Promise<Vehicle> {
    const vehicle = await this.store.readById(parseId(id, 'id'));
    if (!vehicle || vehicle.removedAt) throw new ForbiddenError('API keys cannot access vehicle data');
    return toVehicle(vehicle);
  }

  /** `fields`: the document fields the caller's selection needs (null: all); see vehicleDocumentFields. */
  async mine(viewer: UserViewer, fields: readonly VehicleDocumentField[] | null = null): Promise<Vehicle[]> {
    return (await this.store.activeOfOwner(viewer.userId, fields)).map(toVehicle);
  }

  list(includeRemoved: boolean, page: PageArgs) {
    return this.store.list(includeRemoved, page);
  }

  private async find(viewer: UserViewer, id: string): Promise<VehicleDocument> {
    return assertVehicleAccess(viewer, await this.store.findById(parseId(id, 'id')));
  }
}
