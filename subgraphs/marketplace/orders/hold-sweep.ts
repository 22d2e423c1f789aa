import type { Logger } from '../../../platform/logger.js';
import { orderOfHold, type StockStore } from '../inventory/stock.store.js';
import type { OrderEvents } from './order-events.js';
import type { OrderService } from './order.service.js';
import type { OrderStore } from './order.store.js';

export interface HoldSweepSettings {
  intervalMs: number;
  /** Stock documents, and unannounced orders, read per pass. */
  batchSize?: number;
  /** An order change unannounced this long is appended again (its own request had the first try). */
  announceGraceMs?: number;
}

/**
 * Lets go of the units of orders left unpaid past their hold, and announces order changes whose
 * append failed. Every instance runs it; each step is conditional, so two sweeps (or a sweep and
 * a payment) racing over one order move it, and return its units, once:
 *
 * - a lapsed hold whose order is unpaid: the order moves to CANCELLED (conditioned on
 *   PENDING_PAYMENT), and its units go back (each hold released only while it is listed);
 * - its order already cancelled: the units go back (a cancel whose release was cut short);
 * - no order at all: the placing request died between the hold and the order; the units go back;
 * - its order paid: the hold is settled (the units are sold).
 */
export class HoldSweep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly stock: StockStore,
    private readonly orders: OrderStore,
    private readonly service: OrderService,
    private readonly events: OrderEvents,
    private readonly logger: Logger,
    private readonly settings: HoldSweepSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.settings.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass; a pass already running is joined, not doubled. Errors are logged and the next pass tries again. */
  runOnce(): Promise<void> {
    this.running ??= (async () => {
      try {
        await this.releaseLapsed();
        await this.announcePending();
      } catch (err) {
        this.logger.error({ err }, 'order hold sweep failed');
      }
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async releaseLapsed(): Promise<void> {
    const now = this.clock();
    const lapsed = await this.stock.lapsed(now, this.settings.batchSize ?? 100);
    const seen = new Set<string>();
    for (const doc of lapsed) {
      for (const [key, hold] of Object.entries(doc.holds)) {
        const orderId = orderOfHold(key);
        if (hold.until.getTime() > now.getTime() || seen.has(orderId)) continue;
        seen.add(orderId);
        // One hold that cannot be settled now must not hold back the others: it is found again next pass.
        await this.settle(doc._id.toHexString(), orderId, hold.quantity).catch((err) =>
          this.logger.error({ err, orderId, partId: doc._id.toHexString() }, 'lapsed hold not settled'),
        );
      }
      await this.stock.resetLapse(doc);
    }
  }

  private async settle(partId: string, orderId: string, quantity: number): Promise<void> {
    let order = await this.orders.findById(orderId);
    if (!order) {
      await this.service.releaseItems(orderId, [{ partId, quantity, sku: '', name: '', brand: '', unitPriceMinor: 0 }]);
      this.logger.warn({ orderId, partId }, 'units held for an order never stored returned to stock');
      return;
    }
    if (order.status === 'PENDING_PAYMENT') {
      try {
        order = await this.service.move(order, 'expire', 'system', 'hold-expiry');
        this.logger.info({ orderId }, 'unpaid order cancelled: its hold lapsed');
      } catch {
        // Paid or cancelled meanwhile: act on what it is now.
        order = await this.orders.findById(orderId);
        if (!order) return;
      }
    }
    if (order.status === 'PENDING_PAYMENT') return;
    if (order.status === 'CANCELLED') await this.service.releaseItems(orderId, order.items);
    else await this.service.settleItems(order);
  }

  private async announcePending(): Promise<void> {
    const before = new Date(this.clock().getTime() - (this.settings.announceGraceMs ?? 10_000));
    for (const order of await this.orders.unannounced(before, this.settings.batchSize ?? 100)) {
      await this.events.changed(order);
    }
  }
}
