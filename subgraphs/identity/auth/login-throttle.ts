import { type Collection, type Db } from 'mongodb';
import { ensureIndexes } from '../../../platform/mongo/indexes.js';
import {
  clientLock,
  isKnownClient,
  isSlowed,
  reserveAttempt,
  slotRefusal,
  slowdownAfterFailure,
  throttleKeys,
  type ClientState,
  type EmailState,
  type LoginPolicy,
  type Refusal,
} from './login-policy.js';
import { insertUnlessTaken, isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';

export { lockSeconds, type LoginPolicy } from './login-policy.js';

type ClientDocument = ClientState & { _id: string; updatedAt: Date };
type EmailDocument = EmailState & { _id: string; updatedAt: Date };

export type ThrottleKeys = ReturnType<typeof throttleKeys>;
export { throttleKeys };
export type Admission = { allowed: true; lockSeconds: number } | Refusal;

/** Reserving races other attempts of the same client; past these tries the attempt is refused. */
const RESERVE_TRIES = 4;

/**
 * The login policy (login-policy.ts) on the database, so that it holds across gateway and
 * identity instances. Every decision that must not race is a single-document conditional
 * update: an attempt is reserved before its password is checked, and a slowed email's slot is
 * claimed by one caller only. Keyed whether or not an account exists, so throttling itself
 * does not reveal accounts.
 */
export class LoginThrottle {
  private readonly clients: Collection<ClientDocument>;
  private readonly emails: Collection<EmailDocument>;

  constructor(
    db: Db,
    private readonly policy: LoginPolicy,
  ) {
    // One collection, two kinds of document (ids "client:…" and "email:…").
    this.clients = db.collection<ClientDocument>('login_throttle');
    this.emails = db.collection<EmailDocument>('login_throttle');
  }

  init(): Promise<void> {
    return ensureIndexes(this.clients, [{ key: { updatedAt: 1 } }]);
  }

  /**
   * Whether this client may have its password checked now. When it may, the attempt is already
   * counted: call `succeeded` or `failed` once the check is done.
   */
  async admit(keys: ThrottleKeys, now = new Date()): Promise<Admission> {
    const [client, email] = await Promise.all([
      this.clients.findOne({ _id: keys.client }),
      this.emails.findOne({ _id: keys.email }),
    ]);
    const locked = clientLock(client, now);
    if (locked) return locked;
    if (isSlowed(email, now) && !isKnownClient(client, now, this.policy) && !(await this.claimSlot(keys.email, now))) {
      return slotRefusal(await this.emails.findOne({ _id: keys.email }), now);
    }
    return this.reserve(keys.client, client, now);
  }

  private async reserve(id: string, read: ClientDocument | null, now: Date): Promise<Admission> {
    let current = read;
    for (let tries = 0; tries < RESERVE_TRIES; tries++) {
      const locked = clientLock(current, now);
      if (locked) return locked;
      const next = reserveAttempt(current, now, this.policy);
      if (await this.compareAndSet(id, current, next, now)) return { allowed: true, lockSeconds: next.lockSeconds };
      current = await this.clients.findOne({ _id: id });
    }
    return { allowed: false, retryAfterSeconds: 1, reason: 'contended' };
  }

  /** Moves the client from the state it was read in to `next`, unless another attempt moved it first. */
  private async compareAndSet(
    id: string,
    current: ClientDocument | null,
    next: Pick<ClientState, 'failures' | 'lockedUntil'>,
    now: Date,
  ): Promise<boolean> {
    const fields = { failures: next.failures, lockedUntil: next.lockedUntil, updatedAt: now };
    if (!current) return insertUnlessTaken(this.clients, { _id: id, ...fields, lastSuccessAt: null });
    const { matchedCount } = await this.clients.updateOne({ _id: id, failures: current.failures }, { $set: fields });
    return matchedCount === 1;
  }

  /** One caller wins the slowed email's slot; the others wait for the next one. */
  private async claimSlot(id: string, now: Date): Promise<boolean> {
    const next = new Date(now.getTime() + this.policy.emailSlowdownSeconds * 1000);
    const { matchedCount } = await this.emails.updateOne(
      { _id: id, nextCheckAt: { $lte: now } },
      { $set: { nextCheckAt: next, updatedAt: now } },
    );
    return matchedCount === 1;
  }

  /** The client's failures and lock end, and it becomes known to the account. */
  async succeeded(keys: ThrottleKeys, now = new Date()): Promise<void> {
    await this.clients.updateOne(
      { _id: keys.client },
      { $set: { failures: 0, lockedUntil: null, lastSuccessAt: now, updatedAt: now } },
      { upsert: true },
    );
  }

  /** The client's attempt was counted when it was reserved; the email's failures are counted here. */
  async failed(keys: ThrottleKeys, now = new Date()): Promise<void> {
    const counted = await this.countEmailFailure(keys.email, now);
    const slowUntil = slowdownAfterFailure(counted.failures, counted, now, this.policy);
    if (slowUntil) await this.emails.updateOne({ _id: keys.email }, { $max: { slowUntil } });
  }

  /** $inc within the current window; the first failure after a window ends starts the next one. */
  private async countEmailFailure(id: string, now: Date): Promise<EmailDocument> {
    for (let tries = 0; tries < RESERVE_TRIES; tries++) {
      const counted = await this.emails.findOneAndUpdate(
        { _id: id, windowEndsAt: { $gt: now } },
        { $inc: { failures: 1 }, $set: { updatedAt: now } },
        { returnDocument: 'after' },
      );
      if (counted) return counted;
      try {
        const started = await this.emails.findOneAndUpdate(
          { _id: id, windowEndsAt: { $lte: now } },
          {
            $set: {
              failures: 1,
              windowEndsAt: new Date(now.getTime() + this.policy.emailWindowSeconds * 1000),
              updatedAt: now,
            },
            $setOnInsert: { slowUntil: new Date(0), nextCheckAt: new Date(0) },
          },
          { upsert: true, returnDocument: 'after' },
        );
        if (started) return started;
      } catch (error) {
        // Another failure started the window first: count in it.
        if (!isDuplicateKey(error)) throw error;
      }
    }
    throw new Error('a login failure could not be counted: its window kept changing');
  }

  /** For the retention job: clients and emails untouched since `cutoff` hold nothing that still matters. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const { deletedCount } = await this.clients.deleteMany({ updatedAt: { $lt: cutoff } });
    return deletedCount;
  }
}
