import { ObjectId, type Collection, type Db } from 'mongodb';
import { ConflictError } from '../../../platform/errors.js';
import { findManyById } from '../../../platform/mongo/find-many-by-id.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { toObjectId } from '../../../platform/mongo/object-id.js';
import { CELL_PRECISIONS, cellField, cellsOf, type CellField, type CellPrecision } from '../geo/geohash.js';
import type { LatLng } from '../geo/haversine.js';
import {
  CentreRole,
  type Closure,
  type OpeningHours,
  type ServiceCentre,
  type ServiceKind,
  type ServiceOffering,
} from './centre.type.js';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';
import { CentreLocationStore, type CentreLocation } from './centre-location.store.js';

export interface CentreMemberDocument {
  userId: string;
  role: CentreRole;
  addedAt: Date;
}

/** What a partner edits (updateServiceCentre). */
export interface CentreProfile {
  name: string;
  address: string;
  phone: string;
  timezone: string;
  services: ServiceOffering[];
  openingHours: OpeningHours[];
  closures: Closure[];
  bays: number;
}

export type CentreDocument = CentreProfile &
  Record<CellField, string> & {
    _id: ObjectId;
    location: LatLng;
    members: CentreMemberDocument[];
    /** The members' user ids, a plain array for the "my centres" index. */
    memberIds: string[];
    /** Kept by reviews: `average` is `ratingSum / ratingCount`. */
    ratingCount: number;
    ratingSum: number;
    applicationId: ObjectId;
    /** Bumped by every profile or member change: removing a member writes the list it read, if unchanged. */
    version: number;
    createdAt: Date;
    updatedAt: Date;
  };

export const toCentre = (doc: CentreDocument, distanceKm: number | null = null): ServiceCentre => ({
  id: doc._id.toHexString(),
  name: doc.name,
  address: doc.address,
  phone: doc.phone,
  location: { lat: doc.location.lat, lng: doc.location.lng },
  distanceKm,
  timezone: doc.timezone,
  services: doc.services,
  openingHours: doc.openingHours,
  closures: doc.closures,
  bays: doc.bays,
  rating: {
    average: doc.ratingCount > 0 ? Math.round((doc.ratingSum / doc.ratingCount) * 100) / 100 : 0,
    count: doc.ratingCount,
  },
  memberIds: doc.memberIds,
});

/**
 * A nearby search reads the centres of a set of geohash cells of one precision (`$in` on that
 * precision's field); a member's centres by user id; the centre an application created.
 */
export const CENTRE_INDEXES: IndexDeclaration[] = [
  ...CELL_PRECISIONS.map((p) => ({ key: { [cellField(p)]: 1 } })),
  { key: { memberIds: 1, _id: 1 } },
  { key: { applicationId: 1 }, options: { unique: true } },
];

export class CentreStore {
  static readonly collection = 'service_centres';
  private readonly centres: Collection<CentreDocument>;
  /** The search's compact copy of each centre, written after the centre (centre-location.store.ts). */
  private readonly locations: CentreLocationStore;

  constructor(db: Db) {
    this.centres = db.collection<CentreDocument>(CentreStore.collection);
    this.locations = new CentreLocationStore(db);
  }

  async init(): Promise<void> {
    await Promise.all([ensureIndexes(this.centres, CENTRE_INDEXES), this.locations.init()]);
    await this.reconcileLocations();
  }

  /**
   * Completes the location follow-ups a crash left undone: every centre whose location is missing
   * or older than the centre is followed again. One pass over the centres (with only the fields a
   * location copies) in `_id` order (the index serves it), their locations' versions checked a
   * batch at a time: a sorted, limited read per batch had the embedded database scan and sort the
   * collection for each.
   */
  async reconcileLocations(batchSize = 500): Promise<number> {
    const projection = { members: 0, memberIds: 0, address: 0, phone: 0 };
    let repaired = 0;
    const settle = async (batch: CentreDocument[]) => {
      const held = await this.locations.versions(batch.map((c) => c._id));
      for (const centre of batch) {
        const version = held.get(centre._id.toHexString());
        if (version !== undefined && version >= centre.version) continue;
        await this.locations.follow(centre);
        repaired++;
      }
    };
    let batch: CentreDocument[] = [];
    for await (const centre of this.centres.find({}, { projection, batchSize }).sort({ _id: 1 })) {
      batch.push(centre);
      if (batch.length >= batchSize) {
        await settle(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await settle(batch);
    return repaired;
  }

  /**
   * Creates the centre of an approved application, once: a second call for the same application
   * (a retried approval) finds the first one's centre.
   */
  async createForApplication(
    applicationId: ObjectId,
    ownerId: string,
    profile: CentreProfile,
    location: LatLng,
    now: Date,
  ): Promise<CentreDocument> {
    const doc: CentreDocument = {
      _id: new ObjectId(),
      ...profile,
      location: { lat: location.lat, lng: location.lng },
      ...cellsOf(location),
      members: [{ userId: ownerId, role: CentreRole.OWNER, addedAt: now }],
      memberIds: [ownerId],
      ratingCount: 0,
      ratingSum: 0,
      applicationId,
      version: 0,
      createdAt: now,
      updatedAt: now,
    };
    let centre = doc;
    try {
      await this.centres.insertOne(doc);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.centres.findOne({ applicationId });
      if (!existing) throw error;
      centre = existing;
    }
    // Also on a retried approval: the first one may have stopped before its follow-up.
    await this.locations.follow(centre);
    return centre;
  }

  findById(id: ObjectId): Promise<CentreDocument | null> {
    return this.centres.findOne({ _id: id });
  }

  /** In the order of `ids`; null for an unknown or malformed id. */
  findByIds(ids: readonly string[]): Promise<(CentreDocument | null)[]> {
    return findManyById(this.centres, ids.map(toObjectId));
  }

  /**
   * The locations (compact copies) of the centres in any of `cells` (of one precision), optionally
   * offering `service`: a search measures these, then loads only its page's centres by id.
   */
  inCells(precision: CellPrecision, cells: readonly string[], service?: ServiceKind): Promise<CentreLocation[]> {
    return this.locations.inCells(precision, cells, service);
  }

  /** The centres a user is a member of, oldest first. */
  ofMember(userId: string): Promise<CentreDocument[]> {
    return this.centres
      .find({ memberIds: String(userId) })
      .sort({ _id: 1 })
      .limit(200)
      .toArray();
  }

  /** Applies a partner's edit; null when the centre is gone. */
  async updateProfile(id: ObjectId, changes: Partial<CentreProfile>, now: Date): Promise<CentreDocument | null> {
    const updated = await this.centres.findOneAndUpdate(
      { _id: id },
      { $set: { ...changes, updatedAt: now }, $inc: { version: 1 } },
      { returnDocument: 'after' },
    );
    if (updated) await this.locations.follow(updated);
    return updated;
  }

  /** Adds a staff member unless they already are a member; null when the centre is gone. */
  async addStaff(id: ObjectId, userId: string, now: Date): Promise<{ centre: CentreDocument; added: boolean } | null> {
    const member: CentreMemberDocument = { userId: String(userId), role: CentreRole.STAFF, addedAt: now };
    const added = await this.centres.findOneAndUpdate(
      { _id: id, memberIds: { $ne: String(userId) } },
      {
        $push: { members: member },
        $addToSet: { memberIds: String(userId) },
        $set: { updatedAt: now },
        $inc: { version: 1 },
      },
      { returnDocument: 'after' },
    );
    if (added) return { centre: added, added: true };
    const centre = await this.findById(id);
    return centre ? { centre, added: false } : null;
  }

  /**
   * Removes a staff member (never the owner); null when the centre is gone. Writes the member
   * list it read, on condition that the centre's version has not moved (an optimistic update:
   * `$pull` by a member's fields is not in the subset the embedded database serves).
   */
  async removeStaff(
    id: ObjectId,
    userId: string,
    now: Date,
  ): Promise<{ centre: CentreDocument; removed: boolean } | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const centre = await this.findById(id);
      if (!centre) return null;
      if (!centre.members.some((m) => m.userId === userId && m.role === CentreRole.STAFF)) {
        return { centre, removed: false };
      }
      const removed = await this.centres.findOneAndUpdate(
        { _id: id, version: centre.version },
        {
          $set: {
            members: centre.members.filter((m) => m.userId !== userId),
            memberIds: centre.memberIds.filter((m) => m !== userId),
            updatedAt: now,
          },
          $inc: { version: 1 },
        },
        { returnDocument: 'after' },
      );
      if (removed) return { centre: removed, removed: true };
    }
    throw new ConflictError('The centre changed meanwhile; try again');
  }

  /** One review's stars (1-5) into the centre's rating, atomically (for reviews). */
  async addRating(id: ObjectId, stars: number): Promise<void> {
    await this.centres.updateOne({ _id: id }, { $inc: { ratingCount: 1, ratingSum: stars } });
  }

  /**
   * The rating as counted from every review (for reviews): kept only if it counts more reviews
   * than the stored one. Reviews are never deleted, so the fullest count is the right one, and
   * concurrent or repeated recounts cannot count a review twice or undo a newer count.
   */
  async setRatingIfFuller(id: ObjectId, count: number, sum: number): Promise<void> {
    await this.centres.updateOne(
      { _id: id, ratingCount: { $lt: count } },
      { $set: { ratingCount: count, ratingSum: sum } },
    );
  }
}
