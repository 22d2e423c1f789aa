import { Counter, type Registry } from 'prom-client';

/**
 * Orders for the subgraph's /metrics: how many are placed, refused for stock, and moved to each
 * status (the hold sweep's lapses show as CANCELLED by `hold-expiry`). A rising share of stock
 * refusals, or of lapses, shows a catalogue or a checkout in trouble before anyone reports it.
 */
export class OrderMetrics {
  readonly placed = new Counter({
    name: 'marketplace_orders_placed_total',
    help: 'Parts orders placed (their units held)',
    registers: [],
  });
  readonly shortOfStock = new Counter({
    name: 'marketplace_orders_short_of_stock_total',
    help: 'Parts orders refused with CONFLICT because an item was short of stock',
    registers: [],
  });
  readonly moved = new Counter({
    name: 'marketplace_order_transitions_total',
    help: 'Parts orders moved to a status, by status and by whom (customer, partner, system)',
    labelNames: ['status', 'actor'],
    registers: [],
  });

  register(registry: Registry): void {
    registry.registerMetric(this.placed);
    registry.registerMetric(this.shortOfStock);
    registry.registerMetric(this.moved);
  }
}
