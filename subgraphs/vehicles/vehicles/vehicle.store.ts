import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import { paginate, type PageArgs } from '../../../platform/graphql/pagination.js';
import { findManyById, IN_BATCH_SIZE } from '../../../platform/mongo/find-many-by-id.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { toObjectId } from '../../../platform/mongo/object-id.js';
import { PerTurnBatch } from '../../../platform/async/per-turn-batch.js';
import { CoalescedReads } from '../../../platform/mongo/coalesce-by-id.js';
import { claimedRecently, UniqueClaims, type Claim } from '../claims/unique-claims.js';
import type { VehicleDetails } from './vehicle-input.js';
import type { Vehicle, VinInfo } from './vehicle.type.js';
import type { VehicleDocumentField } from './vehicle-projection.js';

export interface VehicleDocument extends VehicleDetails {
  _id: ObjectId;
  ownerId: string;
  vin: string;
  vinInfo: VinInfo;
  createdAt: Date;
  updatedAt: Date;
  removedAt: Date | null;
}

export const toVehicle = ({ _id, ownerId, ...rest }: VehicleDocument): Vehicle => ({
  id: _id.toHexString(),
  ownerId,
  owner: { id: ownerId },
  ...rest,
});

/** One caller's owner, and the document fields it needs (null: all of them). */
interface OwnerRead {
  ownerId: string;
  fields: readonly VehicleDocumentField[] | null;
}

/** What the callers of one turn need together (`ownerId` groups the answer), or null for whole documents. */
function unionProjection(reads: readonly OwnerRead[]): Record<string, 1> | null {
  const projection: Record<string, 1> = { _id: 1, ownerId: 1 };
  for (const { fields } of reads) {
    if (!fields) return null;
    for (const field of fields) projection[field] = 1;
  }
  return projection;
}

/** The outcome of `insert`: the VIN may already belong to an active vehicle. */
export type InsertResult = { ok: true } | { ok: false; reason: 'VIN_TAKEN' };

/** An owner's active vehicles (myVehicles), and the fleet's, all or active, newest first. */
export const VEHICLE_INDEXES: IndexDeclaration[] = [
  { key: { ownerId: 1, removedAt: 1, _id: -1 } },
  { key: { removedAt: 1, _id: -1 } },
  { key: { vin: 1, _id: -1 } },
];

export class VehicleStore {
  static readonly collection = 'vehicles';
  static readonly vinClaimsCollection = 'active_vins';
  private readonly vehicles: Collection<VehicleDocument>;
  /** `_id: vin` for every active vehicle: one active vehicle per VIN. */
  private readonly activeVins: UniqueClaims;
  /** Owners asked for by concurrent requests within one event-loop turn: one query for them all. */
  private readonly owners = new PerTurnBatch<OwnerRead, VehicleDocument[]>((reads) => this.readOwners(reads));
  /** `vehicle(id)` arrives from many requests at once: the ids of one event-loop turn go in one read. */
  private readonly reads: CoalescedReads<VehicleDocument>;

  constructor(db: Db) {
    this.vehicles = db.collection<VehicleDocument>(VehicleStore.collection);
    this.reads = new CoalescedReads(this.vehicles);
    this.activeVins = new UniqueClaims(db, VehicleStore.vinClaimsCollection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.vehicles, VEHICLE_INDEXES);
  }

  /** Claims the VIN first, so two concurrent adds of one VIN cannot both succeed. */
  async insert(doc: VehicleDocument): Promise<InsertResult> {
    if (!(await this.activeVins.acquire(doc.vin, doc._id, (claim) => this.claimIsLive(claim)))) {
      return { ok: false, reason: 'VIN_TAKEN' };
    }
    try {
      await this.vehicles.insertOne(doc);
    } catch (error) {
      await this.activeVins.release(doc.vin, doc._id).catch(() => undefined);
      throw error;
    }
    return { ok: true };
  }

  /**
   * `insert` for many vehicles (fleet provisioning): claims their VINs in one round trip, then
   * writes the vehicles whose VIN it got. Returns those; the others' VINs are on active vehicles.
   */
  async insertMany(docs: readonly VehicleDocument[]): Promise<VehicleDocument[]> {
    const held = await this.activeVins.acquireMany(
      docs.map((d) => ({ key: d.vin, holder: d._id })),
      (claim) => this.claimIsLive(claim),
    );
    const free = docs.filter((d) => held.has(d.vin));
    if (free.length === 0) return [];
    try {
      await this.vehicles.insertMany([...free], { ordered: false });
    } catch (error) {
      // Free the VINs of the vehicles that did not get written; those that did keep theirs.
      const written = new Set((await this.findByIds(free.map((d) => d._id.toHexString()))).map((d) => d?.vin));
      await Promise.all(
        free
          .filter((d) => !written.has(d.vin))
          .map((d) => this.activeVins.release(d.vin, d._id).catch(() => undefined)),
      );
      throw error;
    }
    return free;
  }

  /** The active vehicle of each VIN that has one (VINs normalised by the caller), by VIN. */
  async findActiveByVins(vins: readonly string[]): Promise<Map<string, VehicleDocument>> {
    const claims = await this.activeVins.findMany(vins);
    const holders = await this.findByIds([...claims.values()].map((c) => c.holder.toHexString()));
    return new Map(holders.filter((v) => v !== null && v.removedAt === null).map((v) => [v!.vin, v!]));
  }

  findById(id: ObjectId): Promise<VehicleDocument | null> {
    return this.vehicles.findOne({ _id: id });
  }

  /**
   * `findById` for reads that answer a query: read together with the other requests of the same
   * event-loop turn (one `_id $in` for them all), afresh each time. Callers must not mutate it.
   */
  async readById(id: ObjectId): Promise<VehicleDocument | null> {
    const [doc] = await this.reads.findManyById([id]);
    return doc ?? null;
  }

  /** In the order of `ids`; null for an unknown or malformed id. */
  findByIds(ids: readonly string[]): Promise<(VehicleDocument | null)[]> {
    return findManyById(this.vehicles, ids.map(toObjectId));
  }

  /**
   * Active vehicles of each owner, oldest first, in the order of `ownerIds`. Every customer's
   * myVehicles is a request of its own, so the owners asked for within one event-loop turn, by
   * any number of requests, go out as one `ownerId $in` query (per IN_BATCH_SIZE owners) instead
   * of a round trip each. Nothing is kept between turns; callers must not mutate what they get.
   */
  activeByOwners(ownerIds: readonly string[]): Promise<VehicleDocument[][]> {
    return this.owners.get(ownerIds.map((ownerId) => ({ ownerId: String(ownerId), fields: null })));
  }

  /**
   * `activeByOwners` for one owner, read with `fields` at least (null: the whole document), as
   * `vehicleDocumentFields` names them for a client's selection. The documents may hold more
   * fields (another caller of the same turn may need them): read only those asked for.
   */
  async activeOfOwner(ownerId: string, fields: readonly VehicleDocumentField[] | null): Promise<VehicleDocument[]> {
    const [docs] = await this.owners.get([{ ownerId: String(ownerId), fields }]);
    return docs!;
  }

  private async readOwners(reads: OwnerRead[]): Promise<VehicleDocument[][]> {
    const ownerIds = reads.map((r) => r.ownerId);
    const owners = [...new Set(ownerIds)];
    const projection = unionProjection(reads);
    const byOwner = new Map<string, VehicleDocument[]>();
    for (let i = 0; i < owners.length; i += IN_BATCH_SIZE) {
      const docs = await this.vehicles
        .find(
          { ownerId: { $in: owners.slice(i, i + IN_BATCH_SIZE) }, removedAt: null },
          projection ? { projection } : {},
        )
        .sort({ _id: 1 })
        .toArray();
      for (const doc of docs) {
        const list = byOwner.get(doc.ownerId);
        if (list) list.push(doc);
        else byOwner.set(doc.ownerId, [doc]);
      }
    }
    return ownerIds.map((owner) => byOwner.get(owner) ?? []);
  }

  /** Every vehicle not removed. */
  countAllActive(): Promise<number> {
    return this.vehicles.countDocuments({ removedAt: null });
  }

  countActiveByOwner(ownerId: string): Promise<number> {
    return this.vehicles.countDocuments({ ownerId: String(ownerId), removedAt: null });
  }

  list(includeRemoved: boolean, page: PageArgs) {
    const filter: Filter<VehicleDocument> = includeRemoved ? {} : { removedAt: null };
    return paginate(this.vehicles, filter, page, toVehicle);
  }

  /** Null when the vehicle is not active (removed meanwhile, or unknown). */
  update(id: ObjectId, changes: Partial<VehicleDetails>, now: Date): Promise<VehicleDocument | null> {
    return this.vehicles.findOneAndUpdate(
      { _id: id, removedAt: null },
      { $set: { ...changes, updatedAt: now } },
      { returnDocument: 'after' },
    );
  }

  /**
   * Marks the vehicle removed, then frees its VIN. Returns the vehicle and whether this call
   * removed it (false when it already was: removal is idempotent).
   */
  async remove(id: ObjectId, now: Date): Promise<{ vehicle: VehicleDocument; removedNow: boolean } | null> {
    const removed = await this.vehicles.findOneAndUpdate(
      { _id: id, removedAt: null },
      { $set: { removedAt: now, updatedAt: now } },
      { returnDocument: 'after' },
    );
    const vehicle = removed ?? (await this.findById(id));
    if (!vehicle) return null;
    // Also on a repeated removal: heals a release that a crash cut off the first time.
    await this.activeVins.release(vehicle.vin, vehicle._id);
    return { vehicle, removedNow: removed !== null };
  }

  /** A VIN claim is live while its vehicle is active, or briefly before the vehicle is written. */
  private async claimIsLive(claim: Claim): Promise<boolean> {
    const holder = await this.findById(claim.holder);
    return holder ? holder.removedAt === null : claimedRecently(claim);
  }
}
