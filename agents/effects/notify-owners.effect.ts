import { MAX_VEHICLE_TARGETS } from '../actions/parameters.js';
import type { SeenAlertStore } from '../signals/seen-alert.store.js';
import type { Effect } from './effect.js';
import type { NotificationStore } from './notification.store.js';

/**
 * Records a notification for the owners of the given vehicles. The targets are the vehicles
 * with an open critical alert, and nothing else: without one the action is never eligible.
 */
export function notifyOwnersEffect(
  notifications: NotificationStore,
  alerts: SeenAlertStore,
): Effect<'notify_critical_owners'> {
  return {
    action: 'notify_critical_owners',
    targets: async () => {
      const vehicleIds = await alerts.criticalVehicles(MAX_VEHICLE_TARGETS);
      return vehicleIds.length ? { vehicleIds } : {};
    },
    async refuse({ vehicleIds }) {
      const critical = await alerts.withOpenCritical(vehicleIds);
      const others = vehicleIds.filter((id) => !critical.has(id));
      return others.length ? `${others.length} vehicle(s) without an open critical alert` : null;
    },
    async apply({ vehicleIds, message }, { decisionId, now }) {
      await notifications.record({ decisionId, vehicleIds, message, at: now });
      return { summary: `owners of ${vehicleIds.length} vehicle(s) notified`, success: true };
    },
  };
}
