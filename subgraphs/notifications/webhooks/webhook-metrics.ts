import { Counter, type Registry } from 'prom-client';

export class WebhookMetrics {
  readonly attempts = new Counter({
    name: 'notifications_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome (delivered, failed, refused by the SSRF guard)',
    labelNames: ['outcome'],
    registers: [],
  });
  readonly settled = new Counter({
    name: 'notifications_webhook_deliveries_settled_total',
    help: 'Webhook delivery attempts settled, by the status they left the delivery in',
    labelNames: ['status'],
    registers: [],
  });
  readonly dropped = new Counter({
    name: 'notifications_webhook_dropped_for_consent_total',
    help: 'Queued webhook deliveries dropped at delivery time because the vehicle grant was revoked',
    registers: [],
  });

  register(registry: Registry): void {
    registry.registerMetric(this.attempts);
    registry.registerMetric(this.settled);
    registry.registerMetric(this.dropped);
  }
}
