import { z } from 'zod';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { ConflictError, NotFoundError } from '../../../platform/errors.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import { parseId } from '../ids.js';
import { centreForMember, requireUser, type CentreSource } from './centre-membership.js';
import type { StockEvents } from './stock-events.js';
import { MAX_STOCK, type StockDocument, type StockStore } from './stock.store.js';

const deltaSchema = z
  .number()
  .int('delta must be a whole number of units')
  .min(-MAX_STOCK, `delta must be between -${MAX_STOCK} and ${MAX_STOCK}`)
  .max(MAX_STOCK, `delta must be between -${MAX_STOCK} and ${MAX_STOCK}`)
  .refine((d) => d !== 0, 'delta must not be 0');
export const thresholdSchema = z
  .number()
  .int('lowStockThreshold must be a whole number')
  .min(0, 'lowStockThreshold must not be negative')
  .max(MAX_STOCK, `lowStockThreshold must be at most ${MAX_STOCK}`);

/** Partners (members of the part's centre) count their stock in and out and set its low-stock threshold. */
export class InventoryService {
  constructor(
    private readonly stock: StockStore,
    private readonly centres: CentreSource,
    private readonly events: StockEvents,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The stock, when `viewer` is a member of its centre (or staff, to read). */
  async forMember(viewer: Viewer | undefined, partId: string, staffMayRead = false): Promise<StockDocument> {
    const user = requireUser(viewer);
    const stock = await this.stock.findById(parseId(partId, 'partId'));
    if (!stock) throw new NotFoundError('Part');
    await centreForMember(this.centres, user, parseId(stock.centreId, 'centreId'), staffMayRead);
    return stock;
  }

  async adjust(viewer: Viewer | undefined, partId: string, delta: number): Promise<StockDocument> {
    const by = parseInput(deltaSchema, delta);
    const stock = await this.forMember(viewer, partId);
    const after = await this.stock.adjust(stock._id, by, this.clock());
    if (!after) {
      throw new ConflictError(
        by < 0 ? 'Cannot remove more units than are free (held units stay held)' : `Stock may not exceed ${MAX_STOCK}`,
      );
    }
    await this.events.afterWrite(after);
    return after;
  }

  async setThreshold(viewer: Viewer | undefined, partId: string, threshold: number): Promise<StockDocument> {
    const value = parseInput(thresholdSchema, threshold);
    const stock = await this.forMember(viewer, partId);
    const after = await this.stock.setThreshold(stock._id, value, this.clock());
    if (!after) throw new NotFoundError('Part');
    await this.events.afterWrite(after);
    return after;
  }
}
