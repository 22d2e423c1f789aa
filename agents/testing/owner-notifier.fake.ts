import type { NotifyOwnersRequest, NotifyOwnersResponse } from '../../subgraphs/notifications/contract.js';
import type { OwnerNotifier } from '../effects/owner-notifier.js';

/**
 * The notifications subgraph as agents' tests see it: records each request and answers that
 * every vehicle's owner (`owner-of-<vehicle>`) got an inbox entry. The real route is pinned by
 * test/notifications-agents.e2e.test.ts.
 */
export class RecordingOwnerNotifier implements OwnerNotifier {
  readonly requests: NotifyOwnersRequest[] = [];

  async notifyOwners(request: NotifyOwnersRequest): Promise<NotifyOwnersResponse> {
    this.requests.push(request);
    return {
      notified: request.vehicleIds.map((vehicleId, i) => ({
        vehicleId,
        userId: `owner-of-${vehicleId}`,
        notificationId: `${request.decisionId}-${i}`,
        channels: ['IN_APP'],
      })),
      withoutOwner: [],
    };
  }
}
