import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Viewer } from '../../platform/auth/viewer.js';
import type { Logger } from '../../platform/logger.js';
import { keyFor, type CallerKey } from './keys.js';
import { chargesFor, type RateLimitRule, type RuleName } from './rules.js';
import type { LimiterStore } from './store.js';

export interface Refusal {
  rule: RuleName;
  key: CallerKey;
  /** Whole seconds until the window that refused the operation has room again (at least 1). */
  retryAfterSeconds: number;
}

interface RuleLimiters {
  known: RateLimiterAbstract;
  anonymous: RateLimiterAbstract;
}

/** The factor in force on a rule's allowance: 0.5 halves it, 2 doubles it. */
export type RuleFactors = (rule: RuleName) => number;

/**
 * Limiters count in hundredths of an operation, so a factor on an allowance is a change in what
 * one operation costs (100 / factor): the limiters, their windows and the counters Redis shares
 * between gateways stay as they are, and Retry-After still names the window's end.
 */
export const POINT_SCALE = 100;

export function costOf(points: number, factor: number): number {
  const usable = Number.isFinite(factor) && factor > 0 ? factor : 1;
  return points * Math.max(1, Math.round(POINT_SCALE / usable));
}

/** Counts operations against the rules and says which, if any, an operation is over. */
export class OperationRateLimiter {
  private readonly limiters = new Map<RateLimitRule, RuleLimiters>();

  constructor(
    private readonly rules: readonly RateLimitRule[],
    store: LimiterStore,
    private readonly logger: Logger,
    private readonly factors: RuleFactors = () => 1,
  ) {
    for (const rule of rules) {
      const known = store.limiter(rule.name, rule.points * POINT_SCALE, rule.windowSeconds);
      const anonymous =
        rule.anonymousPoints === undefined
          ? known
          : store.limiter(`${rule.name}-anonymous`, rule.anonymousPoints * POINT_SCALE, rule.windowSeconds);
      this.limiters.set(rule, { known, anonymous });
    }
  }

  /**
   * Charges one operation to every rule that covers any of its root fields (see chargesFor), at
   * the cost the rule's factor in force sets; a refused operation is charged too. Returns the
   * refusal with the longest wait, if any.
   */
  async charge(
    fields: readonly string[],
    viewer: Viewer | undefined,
    clientIp: string | undefined,
  ): Promise<Refusal | undefined> {
    const refusals = await Promise.all(
      chargesFor(this.rules, fields).map(({ rule, points }) =>
        this.consume(rule, keyFor(rule, viewer, clientIp), points),
      ),
    );
    return refusals.reduce<Refusal | undefined>(
      (worst, r) => (r && (!worst || r.retryAfterSeconds > worst.retryAfterSeconds) ? r : worst),
      undefined,
    );
  }

  private async consume(rule: RateLimitRule, key: CallerKey, points: number): Promise<Refusal | undefined> {
    const { known, anonymous } = this.limiters.get(rule)!;
    try {
      const cost = costOf(points, this.factors(rule.name));
      await (key.kind === 'ip' ? anonymous : known).consume(`${key.kind}:${key.id}`, cost);
      return undefined;
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) {
        return { rule: rule.name, key, retryAfterSeconds: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)) };
      }
      // The store and its insurance both failed: serving unmetered beats refusing everyone.
      this.logger.warn({ err: outcome, rule: rule.name }, 'rate limit could not be counted; let through');
      return undefined;
    }
  }
}
