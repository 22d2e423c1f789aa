import type { Collection, Db } from 'mongodb';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';
import type { IndexDeclaration } from '../../../platform/mongo/indexes.js';

/**
 * Which request a vehicle's help is in progress under: one document per vehicle (`_id` is the
 * vehicle id, so the `_id` index keeps it unique), inserted before the request and deleted when
 * the request ends. A driver tapping twice, or two phones, get one request, not two dispatches.
 */
export interface VehicleClaimDocument {
  _id: string;
  requestId: string;
  claimedAt: Date;
}

export const VEHICLE_CLAIM_INDEXES: IndexDeclaration[] = [];

/** A claim this young may be its writer's, between the claim and the request's insert. */
export const CLAIM_GRACE_MS = 30_000;

export class VehicleClaimStore {
  static readonly collection = 'roadside_vehicle_claims';
  private readonly claims: Collection<VehicleClaimDocument>;

  constructor(db: Db) {
    this.claims = db.collection<VehicleClaimDocument>(VehicleClaimStore.collection);
  }

  /** Claims the vehicle for `requestId`: null when it is now ours, else the claim that holds it. */
  async claim(vehicleId: string, requestId: string, now: Date): Promise<VehicleClaimDocument | null> {
    const _id = String(vehicleId);
    if (await insertUnlessTaken(this.claims, { _id, requestId, claimedAt: now })) return null;
    return this.claims.findOne({ _id });
  }

  /** Takes over a claim whose request is over (or never stored): only if `holder` still holds it. */
  async takeOver(vehicleId: string, holder: string, requestId: string, now: Date): Promise<boolean> {
    const taken = await this.claims.updateOne(
      { _id: String(vehicleId), requestId: String(holder) },
      { $set: { requestId, claimedAt: now } },
    );
    return taken.modifiedCount === 1;
  }

  /** Ends the request's claim (another request's is left alone). */
  async release(vehicleId: string, requestId: string): Promise<void> {
    await this.claims.deleteOne({ _id: String(vehicleId), requestId: String(requestId) });
  }
}
