import type { EventBus } from '../../platform/events/bus.js';
import type { Logger } from '../../platform/logger.js';
import type { DecisionDocument } from './decision.document.js';
import { toDecision } from './decision.mapper.js';
import type { Decision } from './decision.type.js';

/** Live topic: every new decision and every change of one (what agentDecisions delivers). */
export const DECISIONS_TOPIC = 'agents.decisions';

/** On the wire a decision is its GraphQL shape, dates as ISO strings. */
export type DecisionEvent = Decision;

export class DecisionEvents {
  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  /** At-most-once fan-out: the stored decision is what counts, so a bus failure is only logged. */
  async changed(doc: DecisionDocument): Promise<void> {
    try {
      await this.bus.publish<DecisionEvent>(DECISIONS_TOPIC, toDecision(doc));
    } catch (err) {
      this.logger.warn({ err, decisionId: doc._id.toHexString() }, 'agents: decision event not published');
    }
  }
}
