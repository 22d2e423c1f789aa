import type { Collection, Db, ObjectId } from 'mongodb';
import { findManyById } from '../../../platform/mongo/find-many-by-id.js';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';

/** Units an order holds until it is paid (then they are sold) or cancelled (then they return). */
export interface StockHold {
  orderId: string;
  quantity: number;
  /** When an unpaid order's hold lapses (the hold sweep cancels the order and returns the units). */
  until: Date;
}

/**
 * A centre's stock of one part (`_id` is the part's). `quantity` is what is free to sell: a
 * reservation is one conditional update of this document (`quantity >= n`: take n and record the
 * hold), so two orders can never both take the last unit, on any number of instances. A hold is
 * released or settled only while it is still listed, so each happens once.
 */
export interface StockDocument {
  _id: ObjectId;
  centreId: string;
  /** For the low-stock event (copied from the part). */
  sku: string;
  name: string;
  quantity: number;
  lowStockThreshold: number;
  /** Whether the low-stock event for the current crossing went out: set at or below the threshold, cleared above it. */
  low: boolean;
  holds: StockHold[];
  updatedAt: Date;
}

/** The hold sweep finds stock with a lapsed hold. */
export const STOCK_INDEXES: IndexDeclaration[] = [{ key: { 'holds.until': 1 } }];

export const MAX_STOCK = 1_000_000;

export class StockStore {
  static readonly collection = 'part_stock';
  private readonly stock: Collection<StockDocument>;

  constructor(db: Db) {
    this.stock = db.collection<StockDocument>(StockStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.stock, STOCK_INDEXES);
  }

  create(doc: StockDocument): Promise<boolean> {
    return insertUnlessTaken(this.stock, doc);
  }

  findById(id: ObjectId): Promise<StockDocument | null> {
    return this.stock.findOne({ _id: id });
  }

  findMany(ids: ObjectId[]): Promise<(StockDocument | null)[]> {
    return findManyById(this.stock, ids);
  }

  /** Takes `quantity` units for the order if that many are free: the stock after, or null (not enough). */
  reserve(id: ObjectId, orderId: string, quantity: number, until: Date, now: Date): Promise<StockDocument | null> {
    return this.stock.findOneAndUpdate(
      { _id: id, quantity: { $gte: quantity } },
      { $inc: { quantity: -quantity }, $push: { holds: { orderId, quantity, until } }, $set: { updatedAt: now } },
      { returnDocument: 'after' },
    );
  }

  /** Returns the order's held units to the stock, once: null when it holds none here (already released or settled). */
  release(id: ObjectId, orderId: string, quantity: number, now: Date): Promise<StockDocument | null> {
    return this.stock.findOneAndUpdate(
      { _id: id, holds: { $elemMatch: { orderId, quantity } } },
      { $inc: { quantity }, $pull: { holds: { orderId } }, $set: { updatedAt: now } },
      { returnDocument: 'after' },
    );
  }

  /** The order was paid: its held units are sold (the hold goes, the units do not come back). */
  async settle(id: ObjectId, orderId: string, now: Date): Promise<void> {
    await this.stock.updateOne(
      { _id: id, 'holds.orderId': orderId },
      { $pull: { holds: { orderId } }, $set: { updatedAt: now } },
    );
  }

  /** Adds (or with a negative delta removes) units; null when removing more than are free. */
  adjust(id: ObjectId, delta: number, now: Date): Promise<StockDocument | null> {
    const filter =
      delta < 0 ? { _id: id, quantity: { $gte: -delta } } : { _id: id, quantity: { $lte: MAX_STOCK - delta } };
    return this.stock.findOneAndUpdate(filter, { $inc: { quantity: delta }, $set: { updatedAt: now } }, {
      returnDocument: 'after',
    });
  }

  setThreshold(id: ObjectId, threshold: number, now: Date): Promise<StockDocument | null> {
    return this.stock.findOneAndUpdate(
      { _id: id },
      { $set: { lowStockThreshold: threshold, updatedAt: now } },
      { returnDocument: 'after' },
    );
  }

  /**
   * Marks the stock low if it is still at or below `threshold` (the one read) and not marked: the
   * stock for the one writer that marks it (who announces the crossing), null for everyone else.
   */
  markLow(id: ObjectId, threshold: number): Promise<StockDocument | null> {
    return this.stock.findOneAndUpdate(
      { _id: id, low: false, lowStockThreshold: threshold, quantity: { $lte: threshold } },
      { $set: { low: true } },
      { returnDocument: 'after' },
    );
  }

  /** Re-arms the low-stock event once the stock is above its threshold again. */
  async clearLow(id: ObjectId, threshold: number): Promise<void> {
    await this.stock.updateOne(
      { _id: id, low: true, lowStockThreshold: threshold, quantity: { $gt: threshold } },
      { $set: { low: false } },
    );
  }

  /** Undoes markLow when its announcement failed, so the next write tries again. */
  async unmarkLow(id: ObjectId): Promise<void> {
    await this.stock.updateOne({ _id: id, low: true }, { $set: { low: false } });
  }

  /** Stock with a hold that lapsed by `now` (the hold sweep), a batch at a time. */
  lapsed(now: Date, limit: number): Promise<StockDocument[]> {
    return this.stock.find({ 'holds.until': { $lte: now } }).limit(limit).toArray();
  }
}
