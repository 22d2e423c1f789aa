import type { VehicleAccess } from '../../platform/access/vehicle-access.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { SubgraphContext } from '../../platform/subgraph/context.js';

/** What a subscription needs: type-graphql's `subscribe` option gets the context, not the resolver instance. */
export interface LiveAlerts {
  bus: EventBus;
  access: VehicleAccess;
  /** Events held per subscriber that is not reading; the oldest are dropped past it. */
  maxQueue: number;
}

export interface HealthContext extends SubgraphContext {
  live: LiveAlerts;
}
