import {
  notificationsClient,
  type NotifyOwnersRequest,
  type NotifyOwnersResponse,
} from '../../subgraphs/notifications/contract.js';

/** Who tells vehicle owners something now: the notifications subgraph (its internal route). */
export interface OwnerNotifier {
  notifyOwners(request: NotifyOwnersRequest): Promise<NotifyOwnersResponse>;
}

/**
 * Calls notifications' notify-owners route. The URL is read at each call, from the same map
 * the system fills in as it starts services (notifications starts after agents in one process).
 * A failure throws: the decision reports the action failed, never "owners notified".
 */
export class RemoteOwnerNotifier implements OwnerNotifier {
  constructor(
    private readonly urls: Partial<Record<string, string>>,
    private readonly internalSecret: string,
  ) {}

  notifyOwners(request: NotifyOwnersRequest): Promise<NotifyOwnersResponse> {
    const url = this.urls.notifications;
    if (!url) return Promise.reject(new Error('the notifications service URL is not configured'));
    return notificationsClient({ url, internalSecret: this.internalSecret, timeoutMs: 10_000 }).notifyOwners(request);
  }
}
