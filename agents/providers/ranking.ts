import type { CircuitState } from './circuit-breaker.js';
import type { ProviderId } from './types.js';

/** What the router knows of one provider on a route when it orders the route. */
export interface RouteCandidate {
  id: ProviderId;
  /** Its place in the task class's route: the role the brief gives it. */
  position: number;
  circuit: CircuitState;
  /** The last check's verdict; null before the first check. */
  checkOk: boolean | null;
  /** Recent p95 latency of its calls; null before any call. */
  p95Ms: number | null;
  /** 0 to 1: today's budget still unspent. */
  budgetLeftShare: number;
}

export interface RankingOptions {
  /** A provider slower than this at p95 yields its place to the next. */
  slowMs: number;
  /** ... and so does one this many times slower than the fastest of the route. */
  slowFactor: number;
  /** A provider with less than this share of its day's budget left yields its place (spend moves on). */
  lowBudgetShare: number;
}

export const DEFAULT_RANKING: RankingOptions = { slowMs: 8000, slowFactor: 3, lowBudgetShare: 0.2 };

/** Behind every healthy provider, whatever its place. */
const UNHEALTHY = 100;
/** One and a half places: behind the next provider, not behind the whole route. */
const YIELD = 1.5;

/**
 * The order in which a route's providers are asked: the route's order (each provider's role),
 * adjusted by what the router sees. A provider whose circuit is not closed or whose last check
 * failed goes behind every healthy one; one that is slow (at p95) or has spent most of its
 * day's budget yields its place to the next, so the load moves to the faster and the one with
 * money left before anything fails. Pure and deterministic: equal scores keep the route's order.
 */
export function rankProviders(candidates: readonly RouteCandidate[], options: RankingOptions = DEFAULT_RANKING) {
  const latencies = candidates.map((c) => c.p95Ms).filter((ms): ms is number => ms !== null);
  const fastest = latencies.length ? Math.min(...latencies) : null;
  const score = (c: RouteCandidate) => {
    let s = c.position;
    if (c.circuit !== 'closed' || c.checkOk === false) s += UNHEALTHY;
    const slow =
      c.p95Ms !== null &&
      (c.p95Ms > options.slowMs || (fastest !== null && fastest > 0 && c.p95Ms > options.slowFactor * fastest));
    if (slow) s += YIELD;
    if (c.budgetLeftShare < options.lowBudgetShare) s += YIELD;
    return s;
  };
  return candidates
    .map((c) => ({ c, s: score(c) }))
    .sort((a, b) => a.s - b.s || a.c.position - b.c.position)
    .map(({ c }) => c.id);
}
