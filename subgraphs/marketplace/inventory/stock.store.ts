import type { Collection, Db, ObjectId } from 'mongodb';
import { findManyById } from '../../../platform/mongo/find-many-by-id.js';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';

/** Units an order holds until it is paid (then they are sold) or cancelled (then they return). */
export interface StockHold {
  quantity: number;
  /** When an unpaid order's hold lapses (the hold sweep cancels the order and returns the units). */
  until: Date;
}

/** The key of an order's hold in `holds` (a letter first: a field name, never read as an array index). */
const holdKey = (orderId: string) => `o${orderId}`;
export const orderOfHold = (key: string) => key.slice(1);

/**
 * A centre's stock of one part (`_id` is the part's). `quantity` is what is free to sell: a
 * reservation is one conditional update of this document (`quantity >= n`: take n and record the
 * hold), so two orders can never both take the last unit, on any number of instances. A hold is
 * released or settled only while it is still recorded, in the same update that removes it, so
 * each happens once. Holds are a map by order (FerretDB's $pull matches whole elements only).
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
  holds: Record<string, StockHold>;
  /** The earliest `until` of the holds, or absent: what the hold sweep looks up. */
  nextLapse?: Date;
  /** Bumped by every hold taken or let go: the sweep rewrites `nextLapse` only over the holds it read. */
  version: number;
  updatedAt: Date;
}

/** The hold sweep finds stock with a lapsed hold. */
export const STOCK_INDEXES: IndexDeclaration[] = [{ key: { nextLapse: 1 } }];

export const MAX_STOCK = 1_000_000;

export const heldUnits = (doc: StockDocument) => Object.values(doc.holds).reduce((sum, h) => sum + h.quantity, 0);

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
      {
        $inc: { quantity: -quantity, version: 1 },
        $set: { [`holds.${holdKey(orderId)}`]: { quantity, until }, updatedAt: now },
        $min: { nextLapse: until },
      },
      { returnDocument: 'after' },
    );
  }

  /** Returns the order's held units to the stock, once: null when it holds none here (already released or settled). */
  async release(id: ObjectId, orderId: string, now: Date): Promise<StockDocument | null> {
    const hold = await this.holdOf(id, orderId);
    if (!hold) return null;
    const path = `holds.${holdKey(orderId)}`;
    return this.stock.findOneAndUpdate(
      { _id: id, [`${path}.quantity`]: hold.quantity },
      { $inc: { quantity: hold.quantity, version: 1 }, $unset: { [path]: '' }, $set: { updatedAt: now } },
      { returnDocument: 'after' },
    );
  }

  /** The order was paid: its held units are sold (the hold goes, the units do not come back). */
  async settle(id: ObjectId, orderId: string, now: Date): Promise<void> {
    const path = `holds.${holdKey(orderId)}`;
    await this.stock.updateOne(
      { _id: id, [`${path}.quantity`]: { $exists: true } },
      { $unset: { [path]: '' }, $inc: { version: 1 }, $set: { updatedAt: now } },
    );
  }

  private async holdOf(id: ObjectId, orderId: string): Promise<StockHold | null> {
    const doc = await this.stock.findOne({ _id: id }, { projection: { holds: 1 } });
    return doc?.holds[holdKey(orderId)] ?? null;
  }

  /** After a sweep: `nextLapse` becomes the earliest remaining hold's, unless holds changed since `read`. */
  async resetLapse(read: StockDocument): Promise<void> {
    const current = await this.findById(read._id);
    if (!current) return;
    const next = Math.min(...Object.values(current.holds).map((h) => h.until.getTime()));
    await this.stock.updateOne(
      { _id: current._id, version: current.version },
      Number.isFinite(next) ? { $set: { nextLapse: new Date(next) } } : { $unset: { nextLapse: '' } },
    );
  }

  /** Adds (or with a negative delta removes) units; null when removing more than are free. */
  adjust(id: ObjectId, delta: number, now: Date): Promise<StockDocument | null> {
    const filter =
      delta < 0 ? { _id: id, quantity: { $gte: -delta } } : { _id: id, quantity: { $lte: MAX_STOCK - delta } };
    return this.stock.findOneAndUpdate(
      filter,
      { $inc: { quantity: delta }, $set: { updatedAt: now } },
      {
        returnDocument: 'after',
      },
    );
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
    return this.stock
      .find({ nextLapse: { $lte: now } })
      .limit(limit)
      .toArray();
  }
}
