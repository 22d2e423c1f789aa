import type { Collection, Db, ObjectId } from 'mongodb';
import { findManyById } from '../../../platform/mongo/find-many-by-id.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { claimedRecently, UniqueClaims, type Claim } from '../claims/unique-claims.js';
import type { DeviceRevocationReason } from '../contract.js';
import type { ObdDevice } from './device.type.js';

export interface DeviceDocument {
  _id: ObjectId;
  vehicleId: ObjectId;
  serial: string;
  secretHash: string;
  pairedBy: string;
  pairedAt: Date;
  revokedAt: Date | null;
  revokedReason: DeviceRevocationReason | null;
  /** Set on devices paired by fleet provisioning: the request (see ProvisioningRequests) that paired it. */
  provisionKey?: string;
}

export const toDevice = (doc: DeviceDocument): ObdDevice => ({
  id: doc._id.toHexString(),
  serial: doc.serial,
  vehicleId: doc.vehicleId.toHexString(),
  pairedAt: doc.pairedAt,
  revokedAt: doc.revokedAt,
});

/** Revoked pairings are history; a vehicle lists at most this many, newest first. */
export const DEVICE_LIST_LIMIT = 100;

/** A vehicle's devices, live or all, newest first. */
export const DEVICE_INDEXES: IndexDeclaration[] = [
  { key: { vehicleId: 1, revokedAt: 1, _id: -1 } },
  { key: { vehicleId: 1, _id: -1 } },
  // Live devices counted over all vehicles (the stats route: the agents' active-devices goal).
  { key: { revokedAt: 1 } },
];

export class DeviceStore {
  static readonly collection = 'obd_devices';
  static readonly serialClaimsCollection = 'active_serials';
  private readonly devices: Collection<DeviceDocument>;
  /** `_id: serial` for every active pairing: one active vehicle per dongle. */
  private readonly activeSerials: UniqueClaims;

  constructor(db: Db) {
    this.devices = db.collection<DeviceDocument>(DeviceStore.collection);
    this.activeSerials = new UniqueClaims(db, DeviceStore.serialClaimsCollection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.devices, DEVICE_INDEXES);
  }

  /** False when the serial is (still, or meanwhile) actively paired. */
  async insert(doc: DeviceDocument): Promise<boolean> {
    if (!(await this.activeSerials.acquire(doc.serial, doc._id, (claim) => this.claimIsLive(claim)))) return false;
    try {
      await this.devices.insertOne(doc);
    } catch (error) {
      await this.activeSerials.release(doc.serial, doc._id).catch(() => undefined);
      throw error;
    }
    return true;
  }

  /** `insert` for many devices (fleet provisioning); returns those written (the others' serials are paired). */
  async insertMany(docs: readonly DeviceDocument[]): Promise<DeviceDocument[]> {
    const held = await this.activeSerials.acquireMany(
      docs.map((d) => ({ key: d.serial, holder: d._id })),
      (claim) => this.claimIsLive(claim),
    );
    const free = docs.filter((d) => held.has(d.serial));
    if (free.length === 0) return [];
    try {
      await this.devices.insertMany([...free], { ordered: false });
    } catch (error) {
      const found = await findManyById(
        this.devices,
        free.map((d) => d._id),
      );
      const written = new Set(found.map((d) => d?.serial));
      await Promise.all(
        free
          .filter((d) => !written.has(d.serial))
          .map((d) => this.activeSerials.release(d.serial, d._id).catch(() => undefined)),
      );
      throw error;
    }
    return free;
  }

  /** The live pairing of each serial that has one (serials normalised by the caller), by serial. */
  async findActiveBySerials(serials: readonly string[]): Promise<Map<string, DeviceDocument>> {
    const claims = await this.activeSerials.findMany(serials);
    const holders = [...claims.values()].map((c) => c.holder);
    const devices = await findManyById(this.devices, holders);
    return new Map(devices.filter((d) => d !== null && d.revokedAt === null).map((d) => [d!.serial, d!]));
  }

  /**
   * A new secret for a live device that the provisioning call `provisionKey` paired and whose
   * token never reached its caller (the call failed or died after pairing). False when the
   * device is not that (revoked meanwhile, or paired otherwise).
   */
  async replaceSecret(id: ObjectId, provisionKey: string, secretHash: string): Promise<boolean> {
    const { modifiedCount } = await this.devices.updateOne(
      { _id: id, revokedAt: null, provisionKey: String(provisionKey) },
      { $set: { secretHash } },
    );
    return modifiedCount === 1;
  }

  findById(id: ObjectId): Promise<DeviceDocument | null> {
    return this.devices.findOne({ _id: id });
  }

  /** The live pairing of a serial, if any; `serial` must be normalised by the caller. */
  async findActiveBySerial(serial: string): Promise<DeviceDocument | null> {
    const claim = await this.activeSerials.find(String(serial));
    if (!claim) return null;
    const device = await this.findById(claim.holder);
    return device && device.revokedAt === null ? device : null;
  }

  listByVehicle(vehicleId: ObjectId, includeRevoked: boolean): Promise<DeviceDocument[]> {
    const filter = includeRevoked ? { vehicleId } : { vehicleId, revokedAt: null };
    return this.devices.find(filter).sort({ _id: -1 }).limit(DEVICE_LIST_LIMIT).toArray();
  }

  /** Every live (paired, not revoked) device. */
  countAllActive(): Promise<number> {
    return this.devices.countDocuments({ revokedAt: null });
  }

  countActive(vehicleId: ObjectId): Promise<number> {
    return this.devices.countDocuments({ vehicleId, revokedAt: null });
  }

  /** Idempotent: a revoked device keeps its first revocation. `revokedNow` says whether this call did it. */
  async revoke(
    id: ObjectId,
    reason: DeviceRevocationReason,
    now: Date,
  ): Promise<{ device: DeviceDocument; revokedNow: boolean } | null> {
    const revoked = await this.devices.findOneAndUpdate(
      { _id: id, revokedAt: null },
      { $set: { revokedAt: now, revokedReason: reason } },
      { returnDocument: 'after' },
    );
    const device = revoked ?? (await this.findById(id));
    if (!device) return null;
    await this.activeSerials.release(device.serial, device._id);
    return { device, revokedNow: revoked !== null };
  }

  /** Revokes every live device of a vehicle; returns the ones this call revoked. */
  async revokeAllForVehicle(vehicleId: ObjectId, reason: DeviceRevocationReason, now: Date): Promise<DeviceDocument[]> {
    const live = await this.devices.find({ vehicleId, revokedAt: null }).toArray();
    const results = await Promise.all(live.map((d) => this.revoke(d._id, reason, now)));
    return results.filter((r) => r?.revokedNow).map((r) => r!.device);
  }

  private async claimIsLive(claim: Claim): Promise<boolean> {
    const holder = await this.findById(claim.holder);
    return holder ? holder.revokedAt === null : claimedRecently(claim);
  }
}
