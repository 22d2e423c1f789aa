import { z } from 'zod';
import type { EventBus, Unsubscribe } from '../events/bus.js';
import type { Logger } from '../logger.js';

/**
 * Operators (the agents' tighten_rate_limits and relax_rate_limits actions) scale the gateway's
 * rate limits for a while through this live topic. Every gateway applies a command to its own
 * limits and goes back on its own timer, so an override never outlives its duration even when
 * the sender dies. The topic is at-most-once: senders repeat the overrides still in force, so a
 * gateway that started after a command (or missed it) catches up.
 */
export const RATE_LIMIT_TOPIC = 'ops.rate-limits';

/** The gateway's limits a command can scale: every operation, sign-ins, ingestion. */
export const OVERRIDABLE_SCOPES = ['api', 'login', 'ingest'] as const;
export type OverridableScope = (typeof OVERRIDABLE_SCOPES)[number];

/** The catalogue's own bounds: a stray command can neither cut traffic off nor lift the limits. */
export const MIN_FACTOR = 0.1;
export const MAX_FACTOR = 4;
/** The longest an override holds without a fresh command, whatever its `until` says. */
export const MAX_OVERRIDE_MS = 24 * 3_600_000;

export interface RateLimitCommand {
  scope: OverridableScope;
  /** The scope's limits are multiplied by this; null restores them. */
  factor: number | null;
  /** Epoch ms when the override ends by itself; null holds it for MAX_OVERRIDE_MS at most. */
  until: number | null;
  /** The decision that asked for it, for the logs. */
  decisionId?: string;
}

const commandSchema = z.object({
  scope: z.enum(OVERRIDABLE_SCOPES),
  factor: z.number().min(MIN_FACTOR).max(MAX_FACTOR).nullable(),
  until: z.number().int().nullable(),
  decisionId: z.string().max(64).optional(),
});

export interface RateLimitOverride {
  factor: number;
  until: number | null;
  decisionId?: string;
}

export interface RateLimitOverrideListener {
  /** The factor in force on a scope: 1 when nothing overrides it. */
  factor(scope: OverridableScope): number;
  current(): Partial<Record<OverridableScope, RateLimitOverride>>;
  /** Validates and applies a command as if it came over the topic; an invalid one is ignored. */
  apply(command: unknown): void;
  /** Stops listening and restores every scope. */
  stop(): void;
}

/** Keeps the factor in force per scope from the commands on the topic; each change is logged at warn. */
export function listenForRateLimitOverrides(
  bus: EventBus | undefined,
  logger: Logger,
  now: () => number = Date.now,
): RateLimitOverrideListener {
  const inForce = new Map<OverridableScope, RateLimitOverride & { timer: NodeJS.Timeout }>();

  const restore = (scope: OverridableScope, reason: 'restored' | 'expired', decisionId?: string) => {
    const held = inForce.get(scope);
    if (!held) return;
    clearTimeout(held.timer);
    inForce.delete(scope);
    logger.warn(
      { scope, factor: 1, until: null, decisionId: decisionId ?? held.decisionId, reason },
      'rate limit back to normal',
    );
  };

  const apply = (raw: unknown) => {
    const parsed = commandSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'command'}: ${i.message}`);
      logger.warn({ command: raw, issues }, 'rate-limit command ignored: invalid');
      return;
    }
    const { scope, factor, until, decisionId } = parsed.data;
    if (factor === null) return restore(scope, 'restored', decisionId);
    const remaining = until === null ? MAX_OVERRIDE_MS : until - now();
    if (remaining <= 0) return restore(scope, 'expired', decisionId);
    const held = inForce.get(scope);
    // Senders repeat what is in force; a repeat changes nothing and is not worth a line.
    if (held && held.factor === factor && held.until === until && held.decisionId === decisionId) return;
    clearTimeout(held?.timer);
    const timer = setTimeout(() => restore(scope, 'expired'), Math.min(remaining, MAX_OVERRIDE_MS)).unref();
    inForce.set(scope, { factor, until, decisionId, timer });
    logger.warn({ scope, factor, until, decisionId }, 'rate limit factor changed');
  };

  const unsubscribe: Unsubscribe | undefined = bus?.subscribe<unknown>(RATE_LIMIT_TOPIC, apply);
  return {
    factor: (scope) => inForce.get(scope)?.factor ?? 1,
    current: () =>
      Object.fromEntries(
        [...inForce].map(([scope, { factor, until, decisionId }]) => [scope, { factor, until, decisionId }]),
      ),
    apply,
    stop() {
      unsubscribe?.();
      for (const scope of [...inForce.keys()]) restore(scope, 'restored');
    },
  };
}
