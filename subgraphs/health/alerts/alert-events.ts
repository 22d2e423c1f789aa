import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import { outboxKey, type AlertOutboxStore, type OutboxEntry } from './alert-outbox.store.js';
import type { HealthMetrics } from '../health-metrics.js';
import type { AlertDocument, AlertStatus, AlertStore } from './alert.store.js';
import { HEALTH_ALERTS, healthAlertEventSchema, vehicleAlertsTopic, type HealthAlertEvent } from '../contract.js';

export { HEALTH_ALERTS, HEALTH_COMMANDS, vehicleAlertsTopic, type HealthAlertEvent } from '../contract.js';

/** The event of a transition, checked against the contract before it is queued. */
export const toAlertEvent = (doc: AlertDocument): HealthAlertEvent =>
  healthAlertEventSchema.parse({
    id: doc._id,
    vehicleId: doc.vehicleId,
    rule: doc.rule,
    part: doc.part,
    severity: doc.severity,
    status: doc.status,
    message: doc.message,
    value: doc.value,
    threshold: doc.threshold,
    openedAt: doc.openedAt.toISOString(),
    acknowledgedAt: doc.acknowledgedAt?.toISOString() ?? null,
    resolvedAt: doc.resolvedAt?.toISOString() ?? null,
    history: doc.history.map((h) => ({ status: h.status, at: h.at.toISOString(), by: h.by })),
  });

/**
 * Tells the world that an alert changed, after the change is stored, through an outbox: the
 * transition's event is queued in the database first, so an event the bus could not take
 * (Redis down) or a process that died before sending it is sent later by the AlertRelay.
 * Subscribers may therefore see an event twice, never zero times.
 */
export class AlertEvents {
  constructor(
    private readonly bus: EventBus,
    private readonly outbox: AlertOutboxStore,
    private readonly alerts: AlertStore,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
    private readonly metrics?: HealthMetrics,
  ) {}

  /**
   * `changed` is the alert as this transition left it, or null when the transition was found
   * done already (a replay after a crash, or two instances finishing the same change). The
   * event is sent by whoever queues it; a queued event its sender never got out is the relay's.
   */
  async transitioned(alertId: string, status: AlertStatus, changed: AlertDocument | null): Promise<void> {
    const entry = changed
      ? await this.outbox.add(alertId, status, toAlertEvent(changed), this.clock())
      : await this.queueIfMissed(alertId, status);
    if (entry) await this.send(entry);
  }

  /** Queues a transition that happened but was never queued: its writer died in between. */
  private async queueIfMissed(alertId: string, status: AlertStatus): Promise<OutboxEntry | null> {
    if (await this.outbox.get(outboxKey(alertId, status))) return null;
    const doc = await this.alerts.findById(alertId);
    if (!doc?.history.some((h) => h.status === status)) return null;
    return this.outbox.add(alertId, status, toAlertEvent(doc), this.clock());
  }

  /** True when the bus took the event; a failure is logged and left for the relay. */
  async send(entry: OutboxEntry, delivery: 'direct' | 'relay' = 'direct'): Promise<boolean> {
    const { event } = entry;
    try {
      await Promise.all([
        this.bus.publish(vehicleAlertsTopic(event.vehicleId), event),
        this.bus.publish(HEALTH_ALERTS, event),
        this.bus.append(HEALTH_ALERTS, event),
      ]);
    } catch (err) {
      this.logger.warn(
        { err, alertId: event.id, status: event.status },
        'health alert event not sent; the relay retries it',
      );
      this.metrics?.alertEvents.inc({ status: event.status, delivery: 'deferred' });
      return false;
    }
    await this.outbox.markPublished(entry._id, this.clock());
    this.metrics?.alertEvents.inc({ status: event.status, delivery });
    return true;
  }
}
