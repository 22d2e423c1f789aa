import type { Collection, Db } from 'mongodb';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';

/**
 * One document per provider event id: whoever inserts it processes the event; a second delivery
 * (Stripe retries, or the same event at another instance) finds it. A claim whose processor
 * died is taken over once its lease has passed.
 */
export interface WebhookClaim {
  _id: string;
  type: string;
  state: 'processing' | 'done';
  leaseUntil: Date;
  receivedAt: Date;
  doneAt?: Date;
}

export type ClaimResult = 'claimed' | 'done' | 'busy';

export class WebhookClaimStore {
  static readonly collection = 'webhook_events';
  readonly claims: Collection<WebhookClaim>;

  constructor(
    db: Db,
    private readonly leaseMs: number,
  ) {
    this.claims = db.collection<WebhookClaim>(WebhookClaimStore.collection);
  }

  async claim(eventId: string, type: string, now = new Date()): Promise<ClaimResult> {
    const leaseUntil = new Date(now.getTime() + this.leaseMs);
    if (
      await insertUnlessTaken(this.claims, { _id: eventId, type, state: 'processing', leaseUntil, receivedAt: now })
    ) {
      return 'claimed';
    }
    const taken = await this.claims.updateOne(
      { _id: eventId, state: 'processing', leaseUntil: { $lt: now } },
      { $set: { leaseUntil } },
    );
    if (taken.modifiedCount === 1) return 'claimed';
    const existing = await this.claims.findOne({ _id: eventId });
    return existing?.state === 'done' ? 'done' : 'busy';
  }

  done(eventId: string): Promise<unknown> {
    return this.claims.updateOne({ _id: eventId }, { $set: { state: 'done', doneAt: new Date() } });
  }

  /** Processing failed: the next delivery may claim it at once. */
  release(eventId: string): Promise<unknown> {
    return this.claims.deleteOne({ _id: eventId, state: 'processing' });
  }
}
