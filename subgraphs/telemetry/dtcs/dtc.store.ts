import type { Collection, Db, Filter } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { DtcMode } from '../obd/dtc.js';
import { CLEARABLE, transitionFor, type DtcStatus } from './dtc-status.js';

export interface DtcHistoryEntry {
  status: DtcStatus;
  at: Date;
}

/** One document per vehicle and code: its current status and every status change. */
export interface DtcDocument {
  /** `<vehicleId>:<code>`: writes address the document by `_id`, cheap on every backend. */
  _id: string;
  vehicleId: string;
  code: string;
  status: DtcStatus;
  firstSeenAt: Date;
  lastSeenAt: Date;
  clearedAt: Date | null;
  /** Status changes only, not every sighting, so it grows with repairs, not with uploads. */
  history: DtcHistoryEntry[];
}

/** A place in the "most recently seen first, then by code" order: a page starts after it. */
export interface DtcPosition {
  lastSeenAt: Date;
  code: string;
}

export interface DtcPageQuery {
  status?: DtcStatus;
  after?: DtcPosition;
  limit: number;
}

/** Reads list a vehicle's codes, all or of some statuses, most recently seen first (ties by code); writes go by `_id`. */
export const DTC_INDEXES: IndexDeclaration[] = [
  { key: { vehicleId: 1, lastSeenAt: -1, code: 1 } },
  { key: { vehicleId: 1, status: 1, lastSeenAt: -1, code: 1 } },
];

export class DtcStore {
  static readonly collection = 'dtcs';
  private readonly dtcs: Collection<DtcDocument>;

  constructor(db: Db) {
    this.dtcs = db.collection<DtcDocument>(DtcStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.dtcs, DTC_INDEXES);
  }

  /** Records that the vehicle reported `codes` (already decoded and valid) in a mode 03/07/0A reply at `at`. */
  async report(vehicleId: string, mode: DtcMode, codes: readonly string[], at: Date): Promise<void> {
    await Promise.all(codes.map((code) => this.reportOne(String(vehicleId), mode, String(code), at)));
  }

  /**
   * One atomic upsert records the sighting and returns the code as it was; a status change
   * follows only when that shows one is due, and is itself conditional on the status and clear
   * it was decided from, so a clear or report that landed in between is never overwritten.
   */
  private async reportOne(vehicleId: string, mode: DtcMode, code: string, at: Date): Promise<void> {
    const { to, from } = transitionFor(mode);
    const _id = `${vehicleId}:${code}`;
    // An upsert whose filter is the `_id` alone: when two first sightings race, MongoDB retries
    // the loser's insert as an update, and the embedded database runs them one after the other.
    const before = await this.dtcs.findOneAndUpdate(
      { _id },
      {
        $setOnInsert: { vehicleId, code, status: to, clearedAt: null, history: [{ status: to, at }] },
        $min: { firstSeenAt: at },
        $max: { lastSeenAt: at },
      },
      { upsert: true, returnDocument: 'before' },
    );
    // A report measured before the last clear (a device uploading its backlog) reactivates nothing.
    if (!before || !from.includes(before.status) || (before.clearedAt !== null && before.clearedAt >= at)) return;
    await this.dtcs.updateOne(
      { _id, status: { $in: [...from] }, $or: [{ clearedAt: null }, { clearedAt: { $lt: at } }] },
      { $set: { status: to, clearedAt: null }, $push: { history: { status: to, at } } },
    );
  }

  /**
   * Mode 04: every active or pending code of the vehicle last seen by `at` becomes CLEARED. Returns the codes that
   * did. Each code is cleared by an update conditional on its status, so the list is exactly
   * what this call changed even while reports of the vehicle land at the same time (a code
   * reported after the listing is left to the next clear); one `updateMany` could not say which.
   */
  async clear(vehicleId: string, at: Date): Promise<string[]> {
    // A code last seen after the clear was reported after it (a sighting that raced the clear,
    // or a backlog): the clear did not reach it.
    const clearable = await this.dtcs
      .find({ ...this.vehicleFilter(vehicleId, CLEARABLE), lastSeenAt: { $lte: at } })
      .project<{ _id: DtcDocument['_id']; code: string }>({ code: 1 })
      .toArray();
    const cleared = await Promise.all(
      clearable.map(async ({ _id, code }) => {
        const result = await this.dtcs.updateOne(
          { _id, status: { $in: CLEARABLE }, lastSeenAt: { $lte: at } },
          { $set: { status: 'CLEARED', clearedAt: at }, $push: { history: { status: 'CLEARED', at } } },
        );
        return result.modifiedCount > 0 ? [code] : [];
      }),
    );
    return cleared.flat();
  }

  /** Every code of the vehicle (of these statuses), most recently seen first: for internal use (a clear), never a client's list. */
  list(vehicleId: string, status?: DtcStatus | readonly DtcStatus[]): Promise<DtcDocument[]> {
    return this.dtcs.find(this.vehicleFilter(vehicleId, status)).sort({ lastSeenAt: -1, code: 1 }).toArray();
  }

  /** At most `limit` codes, most recently seen first (ties by code), starting after `after`. */
  page(vehicleId: string, { status, after, limit }: DtcPageQuery): Promise<DtcDocument[]> {
    const filter = this.vehicleFilter(vehicleId, status);
    // The range bounds the index scan; the $or only drops the ties already listed.
    const page: Filter<DtcDocument> = after
      ? {
          ...filter,
          lastSeenAt: { $lte: after.lastSeenAt },
          $or: [{ lastSeenAt: { $lt: after.lastSeenAt } }, { code: { $gt: String(after.code) } }],
        }
      : filter;
    return this.dtcs.find(page).sort({ lastSeenAt: -1, code: 1 }).limit(limit).toArray();
  }

  count(vehicleId: string, status?: DtcStatus): Promise<number> {
    return this.dtcs.countDocuments(this.vehicleFilter(vehicleId, status));
  }

  private vehicleFilter(vehicleId: string, status: DtcStatus | readonly DtcStatus[] | undefined): Filter<DtcDocument> {
    const filter: Filter<DtcDocument> = { vehicleId: String(vehicleId) };
    if (typeof status === 'string') filter.status = status;
    else if (status) filter.status = { $in: [...status] };
    return filter;
  }
}
