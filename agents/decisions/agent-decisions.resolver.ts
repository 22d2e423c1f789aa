import { Authorized, Resolver, Root, Subscription } from 'type-graphql';
import { busIterator } from '../../platform/events/bus-iterator.js';
import { READERS } from '../access.js';
import type { AgentsContext } from '../context.js';
import { DECISIONS_TOPIC, type DecisionEvent } from './decision-events.js';
import { Decision } from './decision.type.js';

/** `@Authorized` runs before `subscribe`, so a refused caller never gets a bus subscription. */
function subscribeToDecisions({ context }: { context: AgentsContext }) {
  return busIterator<DecisionEvent>(context.live.bus, DECISIONS_TOPIC, { maxQueue: context.live.maxQueue });
}

@Resolver()
export class AgentDecisionsResolver {
  @Authorized(...READERS)
  @Subscription(() => Decision, {
    subscribe: subscribeToDecisions,
    description: 'New decisions, and every later change to one (staff)',
  })
  agentDecisions(@Root() event: DecisionEvent): Decision {
    return event;
  }
}
