import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import { STOCK_LOW, stockLowSchema } from '../contract.js';
import type { StockDocument, StockStore } from './stock.store.js';

/**
 * Announces a stock's fall to its low-stock threshold once per crossing: after every write that
 * lowers or raises stock, the one writer that flips the stored `low` flag appends the event
 * (durable, for the partner's notification); rising above the threshold re-arms it. A failed
 * append unflags, so the next write tries again; the write itself stands either way.
 */
export class StockEvents {
  constructor(
    private readonly stock: StockStore,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async afterWrite(doc: StockDocument | null): Promise<void> {
    if (!doc) return;
    try {
      if (doc.quantity > doc.lowStockThreshold) {
        if (doc.low) await this.stock.clearLow(doc._id, doc.lowStockThreshold);
        return;
      }
      if (doc.low) return;
      const marked = await this.stock.markLow(doc._id, doc.lowStockThreshold);
      if (!marked) return;
      try {
        await this.bus.append(
          STOCK_LOW,
          stockLowSchema.parse({
            centreId: marked.centreId,
            partId: marked._id.toHexString(),
            sku: marked.sku,
            name: marked.name,
            quantity: marked.quantity,
            threshold: marked.lowStockThreshold,
            at: this.clock(),
          }),
        );
      } catch (err) {
        await this.stock.unmarkLow(marked._id);
        throw err;
      }
    } catch (err) {
      this.logger.warn({ err, partId: doc._id.toHexString() }, 'low-stock check failed');
    }
  }
}
