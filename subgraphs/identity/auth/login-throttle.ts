import type { Collection, Db } from 'mongodb';
import { RateLimitedError } from '../../../platform/errors.js';

export interface ThrottlePolicy {
  /** Failures allowed before the first lock. */
  maxFailures: number;
  /** The first lock; each further failure doubles it. */
  baseSeconds: number;
  /** No lock lasts longer than this. */
  capSeconds: number;
}

/** Seconds an account stays locked after `failures` consecutive failed logins. */
export function lockSeconds(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.maxFailures) return 0;
  return Math.min(policy.baseSeconds * 2 ** (failures - policy.maxFailures), policy.capSeconds);
}

interface ThrottleDocument {
  _id: string;
  failures: number;
  lockedUntil: Date | null;
  updatedAt: Date;
}

/**
 * Back-off keyed by the normalised email, whether or not an account exists, so throttling
 * itself does not reveal accounts. Applies before the password is even checked.
 */
export class LoginThrottle {
  private readonly attempts: Collection<ThrottleDocument>;

  constructor(
    db: Db,
    private readonly policy: ThrottlePolicy,
  ) {
    this.attempts = db.collection<ThrottleDocument>('login_throttle');
  }

  async assertAllowed(email: string, now = new Date()): Promise<void> {
    const doc = await this.attempts.findOne({ _id: String(email) });
    if (doc?.lockedUntil && doc.lockedUntil > now) {
      const retryAfter = Math.ceil((doc.lockedUntil.getTime() - now.getTime()) / 1000);
      throw new RateLimitedError(`Too many failed logins; try again in ${retryAfter} s`, retryAfter);
    }
  }

  async recordFailure(email: string, now = new Date()): Promise<number> {
    const doc = await this.attempts.findOneAndUpdate(
      { _id: String(email) },
      { $inc: { failures: 1 }, $set: { updatedAt: now } },
      { upsert: true, returnDocument: 'after' },
    );
    const failures = doc?.failures ?? 1;
    const seconds = lockSeconds(failures, this.policy);
    if (seconds > 0) {
      await this.attempts.updateOne(
        { _id: String(email) },
        { $set: { lockedUntil: new Date(now.getTime() + seconds * 1000) } },
      );
    }
    return seconds;
  }

  async reset(email: string): Promise<void> {
    await this.attempts.deleteOne({ _id: String(email) });
  }
}
