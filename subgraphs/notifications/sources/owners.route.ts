import type { Router } from 'express';
import { serveInternalRoute } from '../../../platform/http/internal-route.js';
import { notificationsRoutes, type NotifyOwnersResponse } from '../contract.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { RecipientDirectory } from '../recipients/directory.js';

/**
 * The agents' notify_critical_owners: each vehicle's owner gets an OWNER_NOTICE (SAFETY,
 * CRITICAL: through quiet hours), keyed by decision and vehicle so a retried call notifies
 * nobody twice. The answer is what was sent, for the decision's report.
 */
export function serveNotifyOwners(router: Router, dispatcher: Dispatcher, recipients: RecipientDirectory): void {
  serveInternalRoute(router, notificationsRoutes.notifyOwners, async ({ decisionId, vehicleIds, message }) => {
    const vehicles = [...new Set(vehicleIds)];
    const owners = await recipients.vehicleOwners(vehicles);
    const answer: NotifyOwnersResponse = { notified: [], withoutOwner: [] };
    for (const vehicleId of vehicles) {
      const userId = owners.get(vehicleId);
      if (!userId) {
        answer.withoutOwner.push(vehicleId);
        continue;
      }
      const [sent] = await dispatcher.dispatch({
        sourceKey: `agents:${decisionId}:${vehicleId}`,
        userIds: [userId],
        category: 'SAFETY',
        kind: 'OWNER_NOTICE',
        severity: 'CRITICAL',
        vars: { vehicleId, message, decisionId },
      });
      if (sent)
        answer.notified.push({
          vehicleId,
          userId,
          notificationId: sent.notificationId,
          channels: sent.deliveries.map((d) => d.channel),
        });
    }
    return answer;
  });
}
