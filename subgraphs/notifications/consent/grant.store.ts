import { ObjectId, type Collection, type Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { VehicleScope } from '../webhooks/event-types.js';

export interface GrantDocument {
  _id: ObjectId;
  vehicleId: string;
  organizationId: string;
  /** The vehicle's owner who granted it (and may revoke it). */
  ownerId: string;
  scopes: VehicleScope[];
  createdAt: Date;
  revokedAt: Date | null;
}

export const GRANT_INDEXES: IndexDeclaration[] = [
  { key: { vehicleId: 1, organizationId: 1 } },
  { key: { organizationId: 1, vehicleId: 1 } },
  { key: { ownerId: 1, _id: -1 } },
];

/**
 * Vehicle owners' consent to organisations. Read uncached on every check, so a revocation
 * holds from the next read on (an org's API call, a webhook about to be sent).
 */
export class GrantStore {
  static readonly collection = 'vehicle_access_grants';
  private readonly grants: Collection<GrantDocument>;

  constructor(db: Db) {
    this.grants = db.collection<GrantDocument>(GrantStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.grants, GRANT_INDEXES);
  }

  /** The live grant of `vehicleId` to `organizationId`, replaced by these scopes, or a new one. */
  async grant(vehicleId: string, organizationId: string, ownerId: string, scopes: VehicleScope[], now: Date) {
    const live = await this.grants.findOneAndUpdate(
      { vehicleId, organizationId, revokedAt: null },
      { $set: { scopes, ownerId } },
      { returnDocument: 'after' },
    );
    if (live) return live;
    const doc: GrantDocument = {
      _id: new ObjectId(),
      vehicleId,
      organizationId,
      ownerId,
      scopes,
      createdAt: now,
      revokedAt: null,
    };
    await this.grants.insertOne(doc);
    return doc;
  }

  get(id: ObjectId): Promise<GrantDocument | null> {
    return this.grants.findOne({ _id: id });
  }

  async revoke(id: ObjectId, now: Date): Promise<GrantDocument | null> {
    await this.grants.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: now } });
    return this.get(id);
  }

  /** Every live grant of the vehicle to the org (normally one) allows `scope`; null: any scope. */
  async allows(vehicleId: string, organizationId: string, scope: VehicleScope | null): Promise<boolean> {
    const found = await this.grants.findOne(
      { vehicleId, organizationId, revokedAt: null, ...(scope ? { scopes: scope } : {}) },
      { projection: { _id: 1 } },
    );
    return found !== null;
  }

  /** The scopes of the vehicle's live grants to the org (normally one grant): none without one. */
  async scopesOf(vehicleId: string, organizationId: string): Promise<VehicleScope[]> {
    const found = await this.grants
      .find({ vehicleId, organizationId, revokedAt: null }, { projection: { scopes: 1 } })
      .toArray();
    return [...new Set(found.flatMap((g) => g.scopes))];
  }

  /** The orgs with a live grant on the vehicle covering `scope` (null: any). */
  async organizationsFor(vehicleId: string, scope: VehicleScope | null): Promise<string[]> {
    const found = await this.grants
      .find({ vehicleId, revokedAt: null, ...(scope ? { scopes: scope } : {}) }, { projection: { organizationId: 1 } })
      .toArray();
    return [...new Set(found.map((g) => g.organizationId))];
  }

  forOwner(ownerId: string, vehicleId?: string): Promise<GrantDocument[]> {
    return this.grants
      .find({ ownerId, revokedAt: null, ...(vehicleId ? { vehicleId } : {}) })
      .sort({ _id: -1 })
      .limit(100)
      .toArray();
  }
}
