import { MongoBulkWriteError, type Collection, type Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { cellsCovering, claimId } from './slot-cells.js';
import { DUPLICATE_KEY, isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';

/**
 * One document per claimed cell of a bay (see slot-cells.ts), `_id: <centreId>:<bay>:<cell>`.
 * The booking document lists the claims it holds; a claim whose booking does not hold it any
 * more (cancelled, moved, or never written because its writer died between the two inserts) is
 * stale, and the next writer that runs into it removes it: the follow-up that completes an
 * interrupted release, without a transaction.
 */
export interface ClaimDocument {
  _id: string;
  centreId: string;
  bay: number;
  cell: Date;
  bookingId: string;
  claimedAt: Date;
}

/** Past this many cells (bays × cells of the slot) the read before the inserts is skipped. */
const MAX_PRECHECKED_CLAIMS = 1000;

/** Retention deletes claims of cells long past. */
export const SLOT_CLAIM_INDEXES: IndexDeclaration[] = [{ key: { cell: 1 } }];

/** What the booking store says about the booking a claim names. */
export type ClaimOwnerCheck = (claim: ClaimDocument) => Promise<'holds' | 'stale'>;

export interface ClaimRequest {
  centreId: string;
  bays: number;
  start: Date;
  end: Date;
  bookingId: string;
  /** Decides whether a claim in the way is still held (see BookingStore.claimOwner). */
  owner: ClaimOwnerCheck;
  now: Date;
}

export interface Claimed {
  bay: number;
  claims: string[];
}

export class SlotClaimStore {
  static readonly collection = 'slot_claims';
  private readonly claims: Collection<ClaimDocument>;

  constructor(db: Db) {
    this.claims = db.collection<ClaimDocument>(SlotClaimStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.claims, SLOT_CLAIM_INDEXES);
  }

  /**
   * Claims every cell of [start, end) on the first bay where all are free, trying bays 0, 1, ...
   * in order, so concurrent requests for one slot race for the same first cell and exactly one
   * per bay wins. Null when no bay is free. Cells this booking already holds (a reschedule
   * overlapping its old slot) count as its own.
   */
  async claim(request: ClaimRequest): Promise<Claimed | null> {
    const cells = cellsCovering(request.start, request.end);
    const busy = await this.busyBays(request, cells);
    for (let bay = 0; bay < request.bays; bay++) {
      if (busy.has(bay)) continue;
      const claims = await this.claimBay(request, bay, cells);
      if (claims) return { bay, claims };
    }
    return null;
  }

  /**
   * Bays a cell of the slot is held on by another booking, read in one query before any write:
   * when a slot is full, the requests that lose it are refused on that read alone instead of
   * each failing an insert per bay. Only a hint: the inserts decide, so a bay freed since is
   * merely skipped (a CONFLICT a retry resolves), and a bay taken since is still refused.
   */
  private async busyBays(request: ClaimRequest, cells: number[]): Promise<Set<number>> {
    const busy = new Set<number>();
    if (cells.length * request.bays > MAX_PRECHECKED_CLAIMS) return busy;
    const ids: string[] = [];
    for (let bay = 0; bay < request.bays; bay++)
      for (const cell of cells) ids.push(claimId(request.centreId, bay, cell));
    const held = await this.claims.find({ _id: { $in: ids } }).toArray();
    for (const claim of held) {
      if (claim.bookingId === request.bookingId || busy.has(claim.bay)) continue;
      if ((await request.owner(claim)) === 'holds') busy.add(claim.bay);
    }
    return busy;
  }

  /** Gives cells back; only those still naming `bookingId`, so a claim taken over since is never touched. */
  async release(bookingId: string, claims: string[]): Promise<void> {
    if (claims.length === 0) return;
    await this.claims.deleteMany({ _id: { $in: claims }, bookingId });
  }

  /** Claims of cells before `cutoff`: past slots need no protection. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.claims.deleteMany({ cell: { $lt: cutoff } })).deletedCount;
  }

  private async claimBay(request: ClaimRequest, bay: number, cells: number[]): Promise<string[] | null> {
    const { centreId, bookingId, now } = request;
    const ids = cells.map((cell) => claimId(centreId, bay, cell));
    const doc = (i: number): ClaimDocument => ({
      _id: ids[i]!,
      centreId,
      bay,
      cell: new Date(cells[i]!),
      bookingId,
      claimedAt: now,
    });
    const inserted: string[] = [];
    let next = 0;
    while (next < cells.length) {
      const batch = cells.slice(next).map((_, k) => doc(next + k));
      const blocked = await this.insertInOrder(batch);
      inserted.push(...batch.slice(0, blocked === null ? batch.length : blocked).map((d) => d._id));
      if (blocked === null) break;
      const at = next + blocked;
      const holder = await this.claims.findOne({ _id: ids[at]! });
      if (holder?.bookingId === bookingId) {
        next = at + 1; // ours already (a move that overlaps the old slot)
        continue;
      }
      if (holder && (await request.owner(holder)) === 'stale') {
        await this.claims.deleteOne({ _id: holder._id, bookingId: holder.bookingId, claimedAt: holder.claimedAt });
        next = at; // try that cell again: whoever inserts it first now has it
        continue;
      }
      if (!holder) {
        next = at; // released between our insert and our read
        continue;
      }
      await this.release(bookingId, inserted);
      return null;
    }
    return ids;
  }

  /** Inserts in order and stops at the first cell already claimed: its index, or null when all went in. */
  private async insertInOrder(batch: ClaimDocument[]): Promise<number | null> {
    try {
      await this.claims.insertMany(batch, { ordered: true });
      return null;
    } catch (error) {
      if (error instanceof MongoBulkWriteError) {
        const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
        const first = errors[0];
        if (first && first.code === DUPLICATE_KEY) return first.index;
      }
      if (isDuplicateKey(error) && batch.length === 1) return 0;
      throw error;
    }
  }
}
