import type { EventBus } from '../platform/events/bus.js';
import type { SubgraphContext } from '../platform/subgraph/context.js';

/** What subscriptions need: type-graphql's `subscribe` gets the context, not the resolver instance. */
export interface AgentsLive {
  bus: EventBus;
  /** Events held per subscriber that is not reading; the oldest are dropped past it. */
  maxQueue: number;
}

export interface AgentsContext extends SubgraphContext {
  live: AgentsLive;
}
