import type { ActionParameters } from '../actions/catalogue.js';
import type { ActiveEffectStore } from './active-effect.store.js';
import { outside, type Effect, type EffectContext } from './effect.js';
import { CONTROLLED_SCOPES } from './rate-limit-policy.js';

type RateAction = 'tighten_rate_limits' | 'relax_rate_limits';

/**
 * Multiplies the limits of the scopes this system controls for a while (the per-caller
 * limit of reportClientError), by recording an effect the limiter reads on every call.
 */
export function rateLimitEffect<A extends RateAction>(action: A, effects: ActiveEffectStore): Effect<A> {
  return {
    action,
    targets: async () => ({}),
    async refuse({ scopes }: ActionParameters<A>) {
      const foreign = outside(scopes, CONTROLLED_SCOPES);
      return foreign.length ? `rate-limit scopes not controlled here: ${foreign.join(', ')}` : null;
    },
    async apply({ scopes, factor, durationMinutes }: ActionParameters<A>, { decisionId, now }: EffectContext) {
      for (const scope of scopes) {
        await effects.add({
          decisionId,
          action,
          kind: 'rate_limit',
          target: scope,
          value: String(factor),
          appliedAt: now,
          expiresAt: new Date(now.getTime() + durationMinutes * 60_000),
        });
      }
      return { summary: `${scopes.join(', ')} limit ×${factor} for ${durationMinutes} min`, success: true };
    },
    async revert({ decisionId, now }: EffectContext) {
      const undone: string[] = [];
      for (const effect of await effects.forDecision(decisionId)) {
        if (await effects.markReverted(effect._id, 'rollback', now)) undone.push(effect.target);
      }
      return undone.length ? `${undone.join(', ')} limit back to normal` : 'nothing left to undo';
    },
  };
}
