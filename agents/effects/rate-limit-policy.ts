import { OVERRIDABLE_SCOPES } from '../../platform/ops/rate-limit-overrides.js';
import type { ActiveEffectStore } from './active-effect.store.js';

/** Limits this subgraph enforces itself, reading the factor from the active effects (RateLimitPolicy). */
export const LOCAL_SCOPES = ['client_errors'] as const;
export type LocalScope = (typeof LOCAL_SCOPES)[number];

/** Limits the gateway enforces: the factor reaches it as a command on the ops.rate-limits topic. */
export const GATEWAY_SCOPES = OVERRIDABLE_SCOPES;
export type GatewayScope = (typeof GATEWAY_SCOPES)[number];

/** Every scope tighten_rate_limits and relax_rate_limits can act on. */
export const CONTROLLED_SCOPES = [...LOCAL_SCOPES, ...GATEWAY_SCOPES] as const;

export const isGatewayScope = (scope: string): scope is GatewayScope => GATEWAY_SCOPES.includes(scope as GatewayScope);

/** The factor in force on a local scope's base limit: 1 unless a tighten or relax action is active. */
export class RateLimitPolicy {
  constructor(private readonly effects: ActiveEffectStore) {}

  async factor(scope: LocalScope, now: Date): Promise<number> {
    const effect = await this.effects.current('rate_limit', scope, now);
    const factor = effect ? Number(effect.value) : 1;
    return Number.isFinite(factor) && factor > 0 ? factor : 1;
  }
}
