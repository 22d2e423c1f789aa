import { MAX_VEHICLE_TARGETS } from '../actions/parameters.js';
import type { SeenAlertStore } from '../signals/seen-alert.store.js';
import type { Effect } from './effect.js';
import type { OwnerNotifier } from './owner-notifier.js';

/**
 * Notifies the owners of the given vehicles through the notifications subgraph (inbox, and the
 * channels each owner chose; CRITICAL, so through quiet hours), and reports what was sent. The
 * targets are the vehicles with an open critical alert, and nothing else: without one the
 * action is never eligible.
 */
export function notifyOwnersEffect(notifier: OwnerNotifier, alerts: SeenAlertStore): Effect<'notify_critical_owners'> {
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
    async apply({ vehicleIds, message }, { decisionId }) {
      const sent = await notifier.notifyOwners({ decisionId, vehicleIds, message });
      const owners = new Set(sent.notified.map((n) => n.userId)).size;
      const channels = [...new Set(sent.notified.flatMap((n) => n.channels))].sort().join(', ') || 'none';
      const missing = sent.withoutOwner.length ? `; ${sent.withoutOwner.length} vehicle(s) without an owner` : '';
      return {
        summary: `${sent.notified.length} notification(s) sent to ${owners} owner(s) of ${vehicleIds.length} vehicle(s) (${channels})${missing}; inbox entries: ${sent.notified.map((n) => n.notificationId).join(', ') || 'none'}`,
        success: sent.notified.length > 0,
        reachedVehicleIds: [...new Set(sent.notified.map((n) => n.vehicleId))],
        reachedOwners: [...new Map(sent.notified.map((n) => [`${n.vehicleId}\u0000${n.userId}`, n])).values()].map(
          ({ vehicleId, userId }) => ({ vehicleId, userId }),
        ),
      };
    },
  };
}
