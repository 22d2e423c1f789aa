import type { EventBus } from '../../platform/events/bus.js';
import { RATE_LIMIT_TOPIC, type RateLimitCommand } from '../../platform/ops/rate-limit-overrides.js';
import type { ActiveEffectDocument, ActiveEffectStore } from './active-effect.store.js';
import { clientOf, publishClientBlock } from './client-block.effect.js';
import { isGatewayScope, type GatewayScope } from './rate-limit-policy.js';

/* The gateway's rate limits, as the agents scale them: commands on platform/ops/rate-limit-overrides.ts's topic. */

export const publishGatewayLimit = (bus: EventBus, command: RateLimitCommand): Promise<void> =>
  bus.publish<RateLimitCommand>(RATE_LIMIT_TOPIC, command);

export const restoreGatewayLimit = (bus: EventBus, scope: GatewayScope, decisionId?: string): Promise<void> =>
  publishGatewayLimit(bus, { scope, factor: null, until: null, decisionId });

const commandFor = (effect: ActiveEffectDocument, scope: GatewayScope): RateLimitCommand => ({
  scope,
  factor: Number(effect.value),
  until: effect.expiresAt.getTime(),
  decisionId: effect.decisionId,
});

/**
 * Repeats the gateway overrides and client blocks still in force. The topic is live (at-most-once) and gateways
 * hold overrides in memory only, so one that started, restarted or missed the command after
 * the decision catches up at the next tick. Returns how many were announced.
 */
export async function announceGatewayLimits(effects: ActiveEffectStore, bus: EventBus, now: Date): Promise<number> {
  const announced = new Set<string>();
  // Newest first: should two be in force on one scope, the later decision wins, as when it was applied.
  for (const effect of await effects.listActive(now)) {
    if (effect.kind === 'client_block' && !announced.has(effect.target)) {
      await publishClientBlock(bus, {
        client: clientOf(effect),
        blocked: true,
        until: effect.expiresAt.getTime(),
        decisionId: effect.decisionId,
      });
      announced.add(effect.target);
      continue;
    }
    const scope = effect.target;
    if (effect.kind !== 'rate_limit' || !isGatewayScope(scope) || announced.has(scope)) continue;
    await publishGatewayLimit(bus, commandFor(effect, scope));
    announced.add(scope);
  }
  return announced.size;
}
