import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { ObdDevice } from '../devices/device.type.js';
import type { Vehicle } from '../vehicles/vehicle.type.js';
import type { Sealed } from './replay-seal.js';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';

/** A request's answer without its device tokens (those are sealed apart). */
export interface StoredFleetResult {
  ownersCreated: number;
  vehiclesCreated: number;
  devicesPaired: number;
  owners: {
    externalRef: string | null;
    email: string;
    created: boolean;
    userId: string;
    vehicles: { created: boolean; vehicle: Vehicle; device: { paired: boolean; device: ObdDevice } | null }[];
  }[];
}

type RequestState = 'pending' | 'failed' | 'done';

interface RequestDocument {
  /** requestIdOf(actor, idempotency key). */
  _id: string;
  actorId: string;
  fingerprint: string;
  state: RequestState;
  createdAt: Date;
  /** When the attempt in progress (or the last one) began. */
  startedAt: Date;
  result: StoredFleetResult | null;
  /** Device id -> token, for the devices this request paired. */
  tokens: Sealed | null;
}

/** How long a request is answered again for its key; after that the key may be used anew. */
export const REQUEST_TTL_MS = 24 * 3600_000;
/** An attempt that has not finished within this is taken for dead (its process crashed). */
export const ATTEMPT_LEASE_MS = 60_000;

export type Begun =
  /** First attempt, or a retry of one that ended before it wrote anything. */
  | { kind: 'fresh' }
  /** A retry of an attempt that wrote part of the fleet and never answered. */
  | { kind: 'resumed' }
  | { kind: 'done'; result: StoredFleetResult; tokens: Sealed | null }
  | { kind: 'busy'; retryAfterSeconds: number }
  | { kind: 'mismatch' };

/**
 * provisionFleet's idempotency records: one per caller and key, claimed before the request
 * does anything (so two concurrent requests with one key never both run) and holding its
 * answer once done. Expired records are deleted as new requests come in; no TTL index needed.
 */
/** Requests are found by `_id`; expired ones are deleted by age. */
export const PROVISIONING_REQUEST_INDEXES: IndexDeclaration[] = [{ key: { createdAt: 1 } }];

export class ProvisioningRequests {
  static readonly collection = 'provisioning_requests';
  private readonly requests: Collection<RequestDocument>;
  private lastPurge = 0;

  constructor(db: Db) {
    this.requests = db.collection<RequestDocument>(ProvisioningRequests.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.requests, PROVISIONING_REQUEST_INDEXES);
  }

  async begin(id: string, actorId: string, fingerprint: string, now = new Date()): Promise<Begun> {
    await this.purgeExpired(now);
    for (let attempt = 0; attempt < 3; attempt++) {
      const fresh: RequestDocument = {
        _id: id,
        actorId,
        fingerprint,
        state: 'pending',
        createdAt: now,
        startedAt: now,
        result: null,
        tokens: null,
      };
      if (await this.tryInsert(fresh)) return { kind: 'fresh' };
      const current = await this.requests.findOne({ _id: id });
      if (!current) continue;
      if (now.getTime() - current.createdAt.getTime() >= REQUEST_TTL_MS) {
        await this.requests.deleteOne({ _id: id, createdAt: current.createdAt });
        continue;
      }
      if (current.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (current.state === 'done') return { kind: 'done', result: current.result!, tokens: current.tokens };
      const leaseLeft = current.startedAt.getTime() + ATTEMPT_LEASE_MS - now.getTime();
      if (current.state === 'pending' && leaseLeft > 0) {
        return { kind: 'busy', retryAfterSeconds: Math.max(1, Math.ceil(Math.min(leaseLeft, 5000) / 1000)) };
      }
      // A failed or abandoned attempt: this one takes over, unless another retry just did.
      const taken = await this.requests.updateOne(
        { _id: id, state: current.state, startedAt: current.startedAt },
        { $set: { state: 'pending', startedAt: now } },
      );
      return taken.modifiedCount === 1 ? { kind: 'resumed' } : { kind: 'busy', retryAfterSeconds: 1 };
    }
    return { kind: 'busy', retryAfterSeconds: 1 };
  }

  async complete(id: string, result: StoredFleetResult, tokens: Sealed | null): Promise<void> {
    await this.requests.updateOne({ _id: id }, { $set: { state: 'done', result, tokens } });
  }

  /**
   * The attempt failed. If it wrote nothing, the key is free again (the caller may fix its
   * request and send it anew); otherwise a retry resumes it.
   */
  async fail(id: string, wroteSomething: boolean): Promise<void> {
    if (wroteSomething) await this.requests.updateOne({ _id: id, state: 'pending' }, { $set: { state: 'failed' } });
    else await this.requests.deleteOne({ _id: id, state: 'pending' });
  }

  private async purgeExpired(now: Date): Promise<void> {
    if (now.getTime() - this.lastPurge < 3600_000) return;
    this.lastPurge = now.getTime();
    await this.requests.deleteMany({ createdAt: { $lt: new Date(now.getTime() - REQUEST_TTL_MS) } });
  }

  private tryInsert(doc: RequestDocument): Promise<boolean> {
    return insertUnlessTaken(this.requests, doc);
  }
}
