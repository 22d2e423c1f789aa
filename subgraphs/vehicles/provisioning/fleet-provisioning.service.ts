import { ObjectId } from 'mongodb';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { mapBounded } from '../../../platform/async/map-bounded.js';
import type { EventBus } from '../../../platform/events/bus.js';
import { BadUserInputError, ClutchError, ConflictError, ErrorCode, ForbiddenError } from '../../../platform/errors.js';
import type { Logger } from '../../../platform/logger.js';
import { DEVICE_PAIRED, VEHICLE_ADDED, deviceEventSchema, vehicleEventSchema } from '../contract.js';
import { issueDeviceToken } from '../devices/device-token.js';
import { toDevice, type DeviceDocument, type DeviceStore } from '../devices/device.store.js';
import { toVehicle, type VehicleDocument, type VehicleStore } from '../vehicles/vehicle.store.js';
import type { AccountDirectory, ProvisionedAccount } from './accounts.js';
import { parseFleet, type FleetOwner, type FleetVehicle, type ParsedFleet } from './fleet-input.js';
import type { FleetProvisioning, ProvisionFleetInput } from './fleet.type.js';
import type { ProvisioningRequests, StoredFleetResult } from './provisioning-requests.store.js';
import { requestIdOf, seal, unseal } from './replay-seal.js';

export interface ProvisioningLimits {
  maxVehiclesPerOwner: number;
  maxDevicesPerVehicle: number;
}

export interface RequestOrigin {
  ip?: string;
  requestId?: string;
}

/** Events go out a few at a time: a Redis bus is a round trip each. */
const PUBLISH_CONCURRENCY = 16;

/** A refusal that the request's own state causes (a VIN held by someone else): CONFLICT naming its place. */
class FleetConflict extends ConflictError {
  constructor(message: string, field: string) {
    super(message);
    Object.assign(this.extensions, { field });
  }
}

/** Who provisions, as records and the audit log name them. */
function actorOf(viewer: Viewer | undefined): string {
  if (viewer?.kind === 'user') return `user:${viewer.userId}`;
  if (viewer?.kind === 'apiKey') return `apikey:${viewer.keyId}`;
  throw new ForbiddenError();
}

interface Plan {
  owner: FleetOwner;
  account: ProvisionedAccount | null;
  vehicles: { input: FleetVehicle; existing: VehicleDocument | null; device: DeviceDocument | null }[];
}

/**
 * provisionFleet: owners (identity's accounts), their vehicles and paired dongles in bulk, for
 * admins and API keys with the fleet:provision scope. Idempotent twice over:
 *
 * - by natural key: an email with an account, a VIN on that owner's active vehicle and a serial
 *   paired with that vehicle are answered as they are (created/paired false), never duplicated;
 * - by idempotency key: a retry gets the first answer again, device tokens included.
 *
 * Everything is validated, and what is already stored is checked, before anything is written:
 * bad input is BAD_USER_INPUT and a VIN or serial held elsewhere is CONFLICT, with nothing stored.
 * A conflict that a concurrent request creates while this one writes is CONFLICT too; what this
 * one wrote stays, and its retry finishes the rest.
 */
export class FleetProvisioningService {
  constructor(
    private readonly deps: {
      vehicles: VehicleStore;
      devices: DeviceStore;
      requests: ProvisioningRequests;
      accounts: AccountDirectory;
      bus: EventBus;
      logger: Logger;
      limits: ProvisioningLimits;
    },
  ) {}

  async provision(
    viewer: Viewer | undefined,
    input: ProvisionFleetInput,
    origin: RequestOrigin,
    now = new Date(),
  ): Promise<FleetProvisioning> {
    const actorId = actorOf(viewer);
    const fleet = parseFleet(input, now, this.deps.limits);
    const requestId = requestIdOf(actorId, fleet.idempotencyKey);
    const begun = await this.deps.requests.begin(requestId, actorId, fleet.fingerprint, now);
    switch (begun.kind) {
      case 'mismatch':
        throw new ConflictError('This idempotencyKey was used for a different request; use a new key');
      case 'busy':
        throw new ClutchError(
          'A request with this idempotencyKey is still in progress; retry shortly',
          ErrorCode.CONFLICT,
          { retryAfterSeconds: begun.retryAfterSeconds },
        );
      case 'done': {
        const tokens = begun.tokens ? unseal<Record<string, string>>(begun.tokens, actorId, fleet.idempotencyKey) : {};
        return answer(fleet.idempotencyKey, begun.result, tokens ?? {}, true);
      }
    }
    const progress = { wrote: false };
    try {
      const { result, tokens } = await this.run(fleet, {
        actorId,
        requestId,
        origin,
        now,
        progress,
        resumed: begun.kind === 'resumed',
      });
      if (result.ownersCreated + result.vehiclesCreated + result.devicesPaired > 0) {
        await this.deps.accounts.recordFleet({
          actorId,
          ip: origin.ip ?? null,
          requestId: origin.requestId ?? null,
          detail:
            `request ${requestId.slice(0, 16)}: ${fleet.owners.length} owners (${result.ownersCreated} created), ` +
            `${fleet.vehicleCount} vehicles (${result.vehiclesCreated} created), ${result.devicesPaired} devices paired`,
        });
      }
      const sealed = Object.keys(tokens).length > 0 ? seal(tokens, actorId, fleet.idempotencyKey) : null;
      await this.deps.requests.complete(requestId, result, sealed);
      return answer(fleet.idempotencyKey, result, tokens, false);
    } catch (error) {
      await this.deps.requests.fail(requestId, progress.wrote).catch((err: unknown) => {
        this.deps.logger.warn({ err }, 'provisioning request not marked failed');
      });
      throw error;
    }
  }

  private async run(
    fleet: ParsedFleet,
    call: {
      actorId: string;
      requestId: string;
      origin: RequestOrigin;
      now: Date;
      progress: { wrote: boolean };
      resumed: boolean;
    },
  ): Promise<{ result: StoredFleetResult; tokens: Record<string, string> }> {
    const { vehicles, devices, accounts } = this.deps;
    const { actorId, origin, now } = call;
    const identityRequest = (mode: 'lookup' | 'ensure') => ({
      mode,
      actorId,
      ip: origin.ip ?? null,
      requestId: origin.requestId ?? null,
      accounts: fleet.owners.map((o) => ({ email: o.email, name: o.name })),
    });

    // 1. What exists: accounts, active vehicles by VIN, live pairings by serial.
    const inputs = fleet.owners.flatMap((o) => o.vehicles);
    const [known, byVin, bySerial] = await Promise.all([
      accounts.provision(identityRequest('lookup')),
      vehicles.findActiveByVins(inputs.map((v) => v.vin.vin)),
      devices.findActiveBySerials(inputs.flatMap((v) => (v.serial ? [v.serial] : []))),
    ]);
    const plans: Plan[] = fleet.owners.map((owner, i) => ({
      owner,
      account: known[i]!.userId ? known[i]! : null,
      vehicles: owner.vehicles.map((input) => ({
        input,
        existing: byVin.get(input.vin.vin) ?? null,
        device: input.serial ? (bySerial.get(input.serial) ?? null) : null,
      })),
    }));

    // 2. Refuse, before writing, what cannot be done.
    await this.check(plans);

    // 3. Write: accounts, then vehicles, then devices.
    call.progress.wrote = true;
    const ensured = await accounts.provision(identityRequest('ensure'));
    ensured.forEach((account, i) => (plans[i]!.account = account));

    const newVehicles = new Map<FleetVehicle, VehicleDocument>();
    for (const plan of plans) {
      for (const v of plan.vehicles) {
        if (!v.existing) newVehicles.set(v.input, vehicleDocument(v.input, plan.account!.userId!, now));
      }
    }
    const inserted = new Set(await vehicles.insertMany([...newVehicles.values()]));
    for (const [input, doc] of newVehicles) {
      if (!inserted.has(doc))
        throw new FleetConflict(`${input.vin.vin} was just registered by another request`, `${input.path}.vin`);
    }

    const tokens: Record<string, string> = {};
    const newDevices = new Map<FleetVehicle, DeviceDocument>();
    const repaired = new Set<FleetVehicle>();
    for (const plan of plans) {
      for (const v of plan.vehicles) {
        if (!v.input.serial) continue;
        const vehicleId = (v.existing ?? newVehicles.get(v.input)!)._id;
        if (v.device) {
          // Paired by an earlier attempt of this very request, whose answer never went out: a new token.
          if (call.resumed && v.device.provisionKey === call.requestId) {
            const { token, secretHash } = issueDeviceToken(v.device._id);
            if (await devices.replaceSecret(v.device._id, call.requestId, secretHash)) {
              tokens[v.device._id.toHexString()] = token;
              repaired.add(v.input);
            }
          }
          continue;
        }
        const deviceId = new ObjectId();
        const { token, secretHash } = issueDeviceToken(deviceId);
        tokens[deviceId.toHexString()] = token;
        newDevices.set(v.input, {
          _id: deviceId,
          vehicleId,
          serial: v.input.serial,
          secretHash,
          pairedBy: actorId,
          pairedAt: now,
          revokedAt: null,
          revokedReason: null,
          provisionKey: call.requestId,
        });
      }
    }
    const paired = new Set(await devices.insertMany([...newDevices.values()]));
    for (const [input, doc] of newDevices) {
      if (!paired.has(doc)) {
        throw new FleetConflict(`${input.serial} was just paired by another request`, `${input.path}.pairDeviceSerial`);
      }
    }

    await this.announce([...inserted], [...paired], now);

    const result: StoredFleetResult = {
      ownersCreated: ensured.filter((a) => a.created).length,
      vehiclesCreated: inserted.size,
      devicesPaired: paired.size + repaired.size,
      owners: plans.map(({ owner, account, vehicles: planned }) => ({
        externalRef: owner.externalRef,
        email: owner.email,
        created: account!.created,
        userId: account!.userId!,
        vehicles: planned.map((v) => {
          const fresh = newVehicles.get(v.input);
          const device = newDevices.get(v.input) ?? v.device;
          return {
            created: fresh !== undefined,
            vehicle: toVehicle(fresh ?? v.existing!),
            device: device
              ? { paired: newDevices.has(v.input) || repaired.has(v.input), device: toDevice(device) }
              : null,
          };
        }),
      })),
    };
    return { result, tokens };
  }

  /** CONFLICT for a VIN or serial held elsewhere; BAD_USER_INPUT past an owner's or vehicle's limit. */
  private async check(plans: Plan[]): Promise<void> {
    const { vehicles, devices, limits } = this.deps;
    for (const { account, vehicles: planned } of plans) {
      for (const { input, existing, device } of planned) {
        if (existing && existing.ownerId !== account?.userId) {
          throw new FleetConflict(`${input.vin.vin} is registered to another owner`, `${input.path}.vin`);
        }
        if (device && !(existing && device.vehicleId.equals(existing._id))) {
          throw new FleetConflict(
            `${input.serial} is paired with another vehicle; that pairing must be revoked first`,
            `${input.path}.pairDeviceSerial`,
          );
        }
      }
    }
    const owners = plans.filter((p) => p.account?.userId);
    if (owners.length > 0) {
      const active = await vehicles.activeByOwners(owners.map((p) => p.account!.userId!));
      owners.forEach((plan, i) => {
        const adding = plan.vehicles.filter((v) => !v.existing).length;
        if (adding > 0 && active[i]!.length + adding > limits.maxVehiclesPerOwner) {
          throw new BadUserInputError(
            `${plan.owner.path}: ${plan.owner.email} has ${active[i]!.length} vehicles; an owner can have at most ${limits.maxVehiclesPerOwner}`,
            `${plan.owner.path}.vehicles`,
          );
        }
      });
    }
    for (const { vehicles: planned } of plans) {
      for (const { input, existing, device } of planned) {
        if (!existing || !input.serial || device) continue;
        if ((await devices.countActive(existing._id)) >= limits.maxDevicesPerVehicle) {
          throw new BadUserInputError(
            `${input.path}: a vehicle can have at most ${limits.maxDevicesPerVehicle} paired devices; revoke one first`,
            `${input.path}.pairDeviceSerial`,
          );
        }
      }
    }
  }

  private async announce(added: VehicleDocument[], paired: DeviceDocument[], at: Date): Promise<void> {
    const { bus } = this.deps;
    await mapBounded(added, PUBLISH_CONCURRENCY, (doc) =>
      bus.publish(
        VEHICLE_ADDED,
        vehicleEventSchema.parse({ vehicleId: doc._id.toHexString(), ownerId: doc.ownerId, vin: doc.vin, at }),
      ),
    );
    await mapBounded(paired, PUBLISH_CONCURRENCY, (doc) =>
      bus.publish(
        DEVICE_PAIRED,
        deviceEventSchema.parse({
          deviceId: doc._id.toHexString(),
          vehicleId: doc.vehicleId.toHexString(),
          serial: doc.serial,
          at,
        }),
      ),
    );
  }
}

function vehicleDocument(input: FleetVehicle, ownerId: string, now: Date): VehicleDocument {
  const { vin, make, model, year, nickname } = input;
  return {
    _id: new ObjectId(),
    ownerId,
    vin: vin.vin,
    vinInfo: { wmi: vin.wmi, region: vin.region, manufacturer: vin.manufacturer, modelYear: vin.modelYear },
    make,
    model,
    year,
    nickname,
    createdAt: now,
    updatedAt: now,
    removedAt: null,
  };
}

function answer(
  idempotencyKey: string,
  result: StoredFleetResult,
  tokens: Record<string, string>,
  replayed: boolean,
): FleetProvisioning {
  return {
    idempotencyKey,
    replayed,
    ownersCreated: result.ownersCreated,
    vehiclesCreated: result.vehiclesCreated,
    devicesPaired: result.devicesPaired,
    owners: result.owners.map(({ userId, ...owner }) => ({
      ...owner,
      user: { id: userId },
      vehicles: owner.vehicles.map((v) => ({
        ...v,
        device: v.device ? { ...v.device, deviceToken: tokens[v.device.device.id] ?? null } : null,
      })),
    })),
  };
}
