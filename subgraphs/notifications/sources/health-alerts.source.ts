import type { StreamEvent } from '../../../platform/events/bus.js';
import { HEALTH_ALERTS, healthAlertEventSchema, type HealthAlertEvent } from '../../health/contract.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { RecipientDirectory } from '../recipients/directory.js';
import type { NotificationKind } from '../vocabulary.js';
import type { StreamSource } from './stream-sources.js';

/** Opened, re-opened or worse (escalated), resolved; an acknowledgement is the owner's own doing. */
export function alertKind(alert: HealthAlertEvent): NotificationKind | null {
  if (alert.status === 'ACKNOWLEDGED') return null;
  if (alert.status === 'RESOLVED') return 'ALERT_RESOLVED';
  return alert.history.length > 1 ? 'ALERT_ESCALATED' : 'ALERT_OPENED';
}

/**
 * Health's alert transitions -> the vehicle owner's inbox. One flap window per vehicle and rule
 * (foldKey): an alert that opens and resolves ten times in half an hour is one inbox entry and
 * one push. Each transition's key is the alert and its step in its history, stable whoever
 * appends it and however often it is delivered.
 */
export function healthAlertsSource(
  dispatcher: Dispatcher,
  recipients: RecipientDirectory,
): StreamSource<HealthAlertEvent> {
  return {
    stream: HEALTH_ALERTS,
    schema: healthAlertEventSchema,
    orderKey: (a) => a.vehicleId,
    async handle(event: StreamEvent<HealthAlertEvent>) {
      const alert = event.payload;
      const kind = alertKind(alert);
      if (!kind) return;
      const owner = (await recipients.vehicleOwners([alert.vehicleId])).get(alert.vehicleId);
      if (!owner) return;
      await dispatcher.dispatch({
        sourceKey: `alert:${alert.id}:${alert.history.length}:${alert.status}`,
        userIds: [owner],
        category: 'SAFETY',
        kind,
        severity: kind === 'ALERT_RESOLVED' ? 'INFO' : alert.severity,
        foldKey: `alert:${alert.vehicleId}:${alert.rule}`,
        vars: {
          alertId: alert.id,
          vehicleId: alert.vehicleId,
          rule: alert.rule,
          message: alert.message,
          severity: alert.severity,
        },
      });
    },
  };
}
