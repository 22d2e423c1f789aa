import type { SubgraphContext } from '../../platform/subgraph/context.js';
import type { EventBus } from '../../platform/events/bus.js';

export interface NotificationsContext extends SubgraphContext {
  /** For the `notifications` subscription (set by index.ts). */
  inboxFeed?: { bus: EventBus; maxQueue: number };
}
