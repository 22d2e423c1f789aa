import type { EventBus } from '../../platform/events/bus.js';
import type { ActionParameters } from '../actions/catalogue.js';
import type { ActiveEffectStore } from './active-effect.store.js';
import { outside, type Effect, type EffectContext } from './effect.js';
import { publishGatewayLimit, restoreGatewayLimit } from './gateway-rate-limits.js';
import { CONTROLLED_SCOPES, isGatewayScope } from './rate-limit-policy.js';

type RateAction = 'tighten_rate_limits' | 'relax_rate_limits';

/**
 * Multiplies the limits of the given scopes for a while. Every scope gets an active effect
 * (what status, rollback and history read, and what the agents' own client_errors limiter
 * applies); the gateway's scopes (api, login, ingest) are also sent to the gateways, which
 * restore them on their own timer.
 */
export function rateLimitEffect<A extends RateAction>(action: A, effects: ActiveEffectStore, bus: EventBus): Effect<A> {
  return {
    action,
    targets: async () => ({}),
    async refuse({ scopes }: ActionParameters<A>) {
      const foreign = outside(scopes, CONTROLLED_SCOPES);
      return foreign.length ? `rate-limit scopes not controlled here: ${foreign.join(', ')}` : null;
    },
    async apply({ scopes, factor, durationMinutes }: ActionParameters<A>, { decisionId, now }: EffectContext) {
      const expiresAt = new Date(now.getTime() + durationMinutes * 60_000);
      for (const scope of scopes) {
        await effects.add({
          decisionId,
          action,
          kind: 'rate_limit',
          target: scope,
          value: String(factor),
          appliedAt: now,
          expiresAt,
        });
        if (isGatewayScope(scope))
          await publishGatewayLimit(bus, { scope, factor, until: expiresAt.getTime(), decisionId });
      }
      return { summary: `${scopes.join(', ')} limit ×${factor} for ${durationMinutes} min`, success: true };
    },
    async revert({ decisionId, now }: EffectContext) {
      const undone: string[] = [];
      for (const effect of await effects.forDecision(decisionId)) {
        if (!(await effects.markReverted(effect._id, 'rollback', now))) continue;
        if (isGatewayScope(effect.target)) await restoreGatewayLimit(bus, effect.target, decisionId);
        undone.push(effect.target);
      }
      return undone.length ? `${undone.join(', ')} limit back to normal` : 'nothing left to undo';
    },
  };
}
