import { Counter, Histogram, type Registry } from 'prom-client';

/** What the pipeline does, for the subgraph's /metrics. */
export class NotificationMetrics {
  readonly notifications = new Counter({
    name: 'notifications_created_total',
    help: 'Inbox entries created (outcome=created) or later events folded into one (outcome=folded), by kind',
    labelNames: ['kind', 'outcome'] as const,
    registers: [],
  });
  readonly deliveries = new Counter({
    name: 'notifications_deliveries_total',
    help: 'Delivery outcomes by channel: QUEUED, SUPPRESSED (hourly cap), SENT, FAILED (will retry), DEAD',
    labelNames: ['channel', 'status'] as const,
    registers: [],
  });
  readonly deliveryLatency = new Histogram({
    name: 'notifications_delivery_seconds',
    help: 'From a delivery queued to sent, by channel (includes retries and quiet-hour holds)',
    labelNames: ['channel'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300, 3600],
    registers: [],
  });

  register(registry: Registry): void {
    registry.registerMetric(this.notifications);
    registry.registerMetric(this.deliveries);
    registry.registerMetric(this.deliveryLatency);
  }
}
