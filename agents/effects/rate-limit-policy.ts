import type { ActiveEffectStore } from './active-effect.store.js';

/** Limits the agents can tighten or relax for a while; the other catalogue scopes live elsewhere. */
export const CONTROLLED_SCOPES = ['client_errors'] as const;
export type ControlledScope = (typeof CONTROLLED_SCOPES)[number];

/** The factor in force on a scope's base limit: 1 unless a tighten or relax action is active. */
export class RateLimitPolicy {
  constructor(private readonly effects: ActiveEffectStore) {}

  async factor(scope: ControlledScope, now: Date): Promise<number> {
    const effect = await this.effects.current('rate_limit', scope, now);
    const factor = effect ? Number(effect.value) : 1;
    return Number.isFinite(factor) && factor > 0 ? factor : 1;
  }
}
