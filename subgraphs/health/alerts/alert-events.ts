import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import type { AlertDocument } from './alert.store.js';

/** Every alert change, all vehicles: a live topic (staff subscriptions) and a durable stream (pipelines such as agents). */
export const HEALTH_ALERTS = 'health.alerts';
/** One vehicle's alert changes, live only: what an owner's `healthAlerts(vehicleId)` listens to. */
export const vehicleAlertsTopic = (vehicleId: string) => `health.alerts.vehicle.${vehicleId}`;

/** The alert as it travels on the bus (JSON: times are ISO strings). */
export interface HealthAlertEvent {
  id: string;
  vehicleId: string;
  rule: string;
  part: string | null;
  severity: string;
  status: string;
  message: string;
  value: number;
  threshold: number;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  history: { status: string; at: string; by: string | null }[];
}

export const toAlertEvent = (doc: AlertDocument): HealthAlertEvent => ({
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
 * Tells the world an alert changed, after the change is stored. A bus that is down is logged:
 * the alert itself is safe in the database, and live fan-out is at-most-once.
 */
export class AlertEvents {
  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  async changed(doc: AlertDocument): Promise<void> {
    const event = toAlertEvent(doc);
    try {
      await Promise.all([
        this.bus.publish(vehicleAlertsTopic(doc.vehicleId), event),
        this.bus.publish(HEALTH_ALERTS, event),
        this.bus.append(HEALTH_ALERTS, event),
      ]);
    } catch (err) {
      this.logger.error({ err, alertId: doc._id }, 'health alert event not published');
    }
  }
}
