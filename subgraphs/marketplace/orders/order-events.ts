import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import { ORDER_UPDATED, orderUpdatedSchema } from '../contract.js';
import type { OrderDocument, OrderStore } from './order.store.js';

/**
 * `marketplace.order.updated` for every change, durable (at-least-once): the change is stored
 * with `announceDue` set, appended here, then marked announced. A failed append leaves the mark,
 * and the hold sweep appends it later; the change itself stands (it is never a failed mutation).
 */
export class OrderEvents {
  constructor(
    private readonly orders: OrderStore,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  async changed(doc: OrderDocument): Promise<void> {
    try {
      await this.bus.append(
        ORDER_UPDATED,
        orderUpdatedSchema.parse({
          orderId: doc._id.toHexString(),
          customerId: doc.customerId,
          centreId: doc.centreId,
          status: doc.status,
          totalMinor: doc.totalMinor,
          currency: doc.currency,
          at: doc.updatedAt,
        }),
      );
      await this.orders.announced(doc._id, doc.status);
    } catch (err) {
      this.logger.warn({ err, orderId: doc._id.toHexString(), status: doc.status }, 'order update not announced yet');
    }
  }
}
