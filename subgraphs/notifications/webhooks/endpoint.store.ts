import { ObjectId, type Collection, type Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';

export type EndpointStatus = 'ACTIVE' | 'DISABLED';

export interface StoredSecret {
  /** Sealed with SecretBox (never the plain secret). */
  sealed: string;
  createdAt: Date;
  /** Set when a newer secret replaced it: both sign until then (the rotation's overlap). */
  expiresAt: Date | null;
}

export interface EndpointDocument {
  _id: ObjectId;
  /** The account that owns the org's API keys (their `ownerId`). */
  organizationId: string;
  url: string;
  eventTypes: string[];
  description: string;
  status: EndpointStatus;
  consecutiveFailures: number;
  disabledAt: Date | null;
  secrets: StoredSecret[];
  createdAt: Date;
}

/** An org's endpoints; the active endpoints subscribed to an event type (fan-out). */
export const ENDPOINT_INDEXES: IndexDeclaration[] = [
  { key: { organizationId: 1, _id: -1 } },
  { key: { eventTypes: 1 } },
];

export class EndpointStore {
  static readonly collection = 'webhook_endpoints';
  readonly endpoints: Collection<EndpointDocument>;

  constructor(db: Db) {
    this.endpoints = db.collection<EndpointDocument>(EndpointStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.endpoints, ENDPOINT_INDEXES);
  }

  async create(doc: Omit<EndpointDocument, '_id'>): Promise<EndpointDocument> {
    const stored = { _id: new ObjectId(), ...doc };
    await this.endpoints.insertOne(stored);
    return stored;
  }

  get(id: ObjectId): Promise<EndpointDocument | null> {
    return this.endpoints.findOne({ _id: id });
  }

  forOrganization(organizationId: string): Promise<EndpointDocument[]> {
    return this.endpoints.find({ organizationId }).sort({ _id: -1 }).limit(100).toArray();
  }

  /** Active endpoints listening to any of `names` (an event type and its family). */
  subscribed(names: string[], organizationId?: string): Promise<EndpointDocument[]> {
    return this.endpoints
      .find({ eventTypes: { $in: names }, status: 'ACTIVE', ...(organizationId ? { organizationId } : {}) })
      .toArray();
  }

  /** Adds `secret` as the signing secret; the ones before it keep signing until `overlapEnds`. */
  async rotate(id: ObjectId, sealed: string, now: Date, overlapEnds: Date): Promise<EndpointDocument | null> {
    const current = await this.get(id);
    if (!current) return null;
    const kept = current.secrets
      .filter((s) => s.expiresAt === null || s.expiresAt > now)
      .map((s) => ({ ...s, expiresAt: s.expiresAt && s.expiresAt < overlapEnds ? s.expiresAt : overlapEnds }));
    return this.endpoints.findOneAndUpdate(
      { _id: id },
      { $set: { secrets: [{ sealed, createdAt: now, expiresAt: null }, ...kept] } },
      { returnDocument: 'after' },
    );
  }

  /**
   * One more failure in a row. True only for the call that disabled the endpoint (the N-th
   * failure), so that its owner is told once whichever instance saw it.
   */
  async recordFailure(id: ObjectId, disableAfter: number, now: Date): Promise<boolean> {
    // Two plain conditional updates, no findAndModify (which holds the embedded database's
    // collection): the failure that reaches the threshold disables; only one can (status ACTIVE).
    const disabled = await this.endpoints.updateOne(
      { _id: id, status: 'ACTIVE', consecutiveFailures: { $gte: disableAfter - 1 } },
      { $set: { status: 'DISABLED', disabledAt: now }, $inc: { consecutiveFailures: 1 } },
    );
    if (disabled.modifiedCount === 1) return true;
    await this.endpoints.updateOne({ _id: id }, { $inc: { consecutiveFailures: 1 } });
    return false;
  }

  /** A success ends the run of failures (no write when there was none). */
  async recordSuccess(id: ObjectId): Promise<void> {
    await this.endpoints.updateOne({ _id: id, consecutiveFailures: { $gt: 0 } }, { $set: { consecutiveFailures: 0 } });
  }

  async enable(id: ObjectId): Promise<EndpointDocument | null> {
    return this.endpoints.findOneAndUpdate(
      { _id: id },
      { $set: { status: 'ACTIVE', consecutiveFailures: 0, disabledAt: null } },
      { returnDocument: 'after' },
    );
  }
}
