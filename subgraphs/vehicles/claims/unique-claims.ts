import type { Collection, Db, ObjectId } from 'mongodb';
import { findManyById } from '../../../platform/mongo/find-many-by-id.js';
import { DUPLICATE_KEY, insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';

export interface Claim {
  /** The unique key: a VIN, a device serial. */
  _id: string;
  /** The document that holds the key. */
  holder: ObjectId;
  claimedAt: Date;
}

/** Says whether a claim found in place still belongs to a live holder. */
export type ClaimCheck = (claim: Claim) => Promise<boolean>;

/**
 * "At most one live holder per key", race-safe on any MongoDB-compatible server: the key is
 * the `_id` of a claim document, so of two concurrent claims exactly one insert succeeds.
 * (A partial unique index on the holders would say the same, but FerretDB does not serve it.)
 * Holders write themselves after claiming and release after retiring, so a crash in between
 * can leave a stale claim; `acquire` asks the caller whether a claim in place is still live
 * and takes over a dead one.
 */
export class UniqueClaims {
  private readonly claims: Collection<Claim>;

  constructor(db: Db, collectionName: string) {
    this.claims = db.collection<Claim>(collectionName);
  }

  /** True when `holder` now holds `key`; false when a live holder has it. */
  async acquire(key: string, holder: ObjectId, isLive: ClaimCheck, now = new Date()): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await this.tryInsert({ _id: key, holder, claimedAt: now })) return true;
      const current = await this.claims.findOne({ _id: key });
      if (current && (await isLive(current))) return false;
      // Conditional on the dead holder, so a concurrent taker's fresh claim is never deleted.
      if (current) await this.claims.deleteOne({ _id: key, holder: current.holder });
    }
    return false;
  }

  /**
   * `acquire` for many keys: one insert for all of them, then the one-by-one path (which takes
   * over dead claims) for the keys found claimed. Returns the keys `holder`s now hold.
   */
  async acquireMany(
    entries: readonly { key: string; holder: ObjectId }[],
    isLive: ClaimCheck,
    now = new Date(),
  ): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    let claimed: Set<string>;
    try {
      await this.claims.insertMany(
        entries.map(({ key, holder }) => ({ _id: key, holder, claimedAt: now })),
        { ordered: false },
      );
      claimed = new Set();
    } catch (error) {
      const failed = (error as { writeErrors?: { index: number; code: number }[] }).writeErrors;
      if (!failed?.length || failed.some((w) => w.code !== DUPLICATE_KEY)) throw error;
      claimed = new Set(failed.map((w) => entries[w.index]!.key));
    }
    const held = new Set(entries.filter((e) => !claimed.has(e.key)).map((e) => e.key));
    for (const { key, holder } of entries) {
      if (claimed.has(key) && (await this.acquire(key, holder, isLive, now))) held.add(key);
    }
    return held;
  }

  /** The claims on these keys, by key (keys nobody holds are left out). */
  async findMany(keys: readonly string[]): Promise<Map<string, Claim>> {
    const found = await findManyById(this.claims, keys.map(String));
    return new Map(found.filter((c) => c !== null).map((c) => [c._id, c]));
  }

  /** Releases `key` only if `holder` still holds it. */
  async release(key: string, holder: ObjectId): Promise<void> {
    await this.claims.deleteOne({ _id: key, holder });
  }

  find(key: string): Promise<Claim | null> {
    return this.claims.findOne({ _id: key });
  }

  private tryInsert(claim: Claim): Promise<boolean> {
    return insertUnlessTaken(this.claims, claim);
  }
}

/** How long a claim whose holder is not written yet counts as an add still in flight. */
export const IN_FLIGHT_GRACE_MS = 60_000;

export const claimedRecently = (claim: Claim, now = Date.now()) => now - claim.claimedAt.getTime() < IN_FLIGHT_GRACE_MS;
