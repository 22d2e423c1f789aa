import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';
import { isDuplicateKey } from '../../platform/mongo/duplicate-key.js';

interface TermDocument {
  /** `<name>:<term>`: inserting it is how a term is won. */
  _id: string;
  name: string;
  term: number;
  holder: string;
  acquiredAt: Date;
  expiresAt: Date;
}

export interface Lease {
  holder: string;
  term: number;
  acquiredAt: Date;
  expiresAt: Date;
}

/** Old terms kept for the record; older ones are removed by the winner of a new term. */
const TERMS_KEPT = 20;

export const LEASE_INDEXES: IndexDeclaration[] = [{ key: { name: 1, term: -1 } }];

/**
 * Leader election with numbered terms. A contender that finds the latest term expired
 * inserts the next one; the term is the document's _id, so of two contenders exactly one
 * insert succeeds, on MongoDB and on servers whose conditional updates are not atomic
 * (FerretDB). Only the holder ever updates its term (to renew it), and only while it has
 * not expired, so renewing never races a takeover. No transactions, no TTL index; times
 * come from the instances' clocks, which must agree to well within the lease.
 */
export class LeaseStore {
  static readonly collection = 'lease_terms';
  private readonly terms: Collection<TermDocument>;

  constructor(
    db: Db,
    private readonly name = 'autonomous-loop',
  ) {
    this.terms = db.collection<TermDocument>(LeaseStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.terms, LEASE_INDEXES);
  }

  /** Renews `holder`'s live term, or wins a new one if the latest expired; true when `holder` leads. */
  async acquire(holder: string, now: number, leaseMs: number): Promise<boolean> {
    const latest = await this.latest();
    const expiresAt = new Date(now + leaseMs);
    if (latest && latest.expiresAt.getTime() > now) {
      if (latest.holder !== holder) return false;
      await this.terms.updateOne({ _id: latest._id, holder }, { $set: { expiresAt } });
      return true;
    }
    const term = (latest?.term ?? 0) + 1;
    try {
      await this.terms.insertOne({
        _id: `${this.name}:${term}`,
        name: this.name,
        term,
        holder,
        acquiredAt: new Date(now),
        expiresAt,
      });
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    await this.terms.deleteMany({ name: this.name, term: { $lte: term - TERMS_KEPT } });
    return true;
  }

  /** Ends `holder`'s term now, so a successor need not wait for the expiry. */
  async release(holder: string, now: number): Promise<void> {
    const latest = await this.latest();
    if (latest?.holder === holder)
      await this.terms.updateOne({ _id: latest._id, holder }, { $set: { expiresAt: new Date(now) } });
  }

  async current(): Promise<Lease | null> {
    const latest = await this.latest();
    return latest
      ? { holder: latest.holder, term: latest.term, acquiredAt: latest.acquiredAt, expiresAt: latest.expiresAt }
      : null;
  }

  private latest(): Promise<TermDocument | null> {
    return this.terms.findOne({ name: this.name }, { sort: { term: -1 } });
  }
}
