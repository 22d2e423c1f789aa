/**
 * A threshold rule with hysteresis, a minimum duration, a cooldown and a maximum gap, stepped
 * observation by observation in EVENT time (when the vehicle measured the value, not when it
 * arrived). Pure: the state is plain JSON kept with the vehicle's health state.
 *
 *   idle ──breach──▶ pending ──breach held ≥ minDuration (and cooldown over)──▶ OPEN alert
 *   open ──value past threshold ∓ hysteresis──▶ clearing ──held ≥ minDuration──▶ RESOLVED, idle
 *
 * Ordering rule: an observation measured at or before the newest one this rule has already
 * folded in is ignored. Devices upload late and in batches, and two uploads can overtake each
 * other; a stale value must neither open nor resolve an alert, or alerts would flap. Within one
 * upload the caller sorts by time, so a batch's own order does not matter. A rule whose value
 * is a state observed in parts at one instant (`judgeSameInstant`) also judges an observation
 * at the same time as its newest.
 */
export interface RuleSpec {
  direction: 'above' | 'below';
  threshold: number;
  /** How far back past the threshold the value must go before the condition counts as cleared. */
  hysteresis: number;
  /** How long a breach must last before it alerts, and a clear before it resolves. */
  minDurationMs: number;
  /** After a resolution, how long before the same rule may alert again for the vehicle. */
  cooldownMs: number;
  /** Observations further apart than this do not make one continuous run. */
  maxGapMs: number;
  /**
   * Judge an observation made at the same instant as the newest one too, not only later ones.
   * For values computed from a state that several events of one instant build up, such as the
   * trouble codes of one upload's confirmed, pending and permanent replies (an event each):
   * without it, a code in the second reply would never be judged. Idempotent, as the same state
   * gives the same value.
   */
  judgeSameInstant?: boolean;
}

export type RulePhase = 'idle' | 'pending' | 'open' | 'clearing';

export interface RuleState {
  phase: RulePhase;
  /** When the current pending (or clearing) run began. */
  since: number | null;
  /** The newest observation folded in: the watermark late observations are judged against. */
  lastAt: number | null;
  openedAt: number | null;
  resolvedAt: number | null;
  /** Alerts opened so far: the next alert's number, which makes its id deterministic. */
  opened: number;
  /** The worst value of the open alert. */
  peak: number | null;
  /** The number of the alert last acknowledged (absent in states stored before acknowledgements). */
  acknowledged?: number;
}

export type Transition =
  { kind: 'open'; at: number; since: number; value: number } | { kind: 'resolve'; at: number; value: number | null };

export const initialRuleState = (): RuleState => ({
  phase: 'idle',
  since: null,
  lastAt: null,
  openedAt: null,
  resolvedAt: null,
  opened: 0,
  peak: null,
});

const breaches = (spec: RuleSpec, value: number) =>
  spec.direction === 'above' ? value > spec.threshold : value < spec.threshold;

const cleared = (spec: RuleSpec, value: number) =>
  spec.direction === 'above' ? value < spec.threshold - spec.hysteresis : value > spec.threshold + spec.hysteresis;

const worse = (spec: RuleSpec, a: number, b: number) => (spec.direction === 'above' ? Math.max(a, b) : Math.min(a, b));

/** Folds one observation into `state` (mutated); returns the alert transition it causes, if any. */
export function stepRule(spec: RuleSpec, state: RuleState, at: number, value: number): Transition | null {
  if (state.lastAt !== null && (at < state.lastAt || (at === state.lastAt && !spec.judgeSameInstant))) return null;
  const gapBroken = state.lastAt !== null && at - state.lastAt > spec.maxGapMs;
  state.lastAt = at;

  if (state.phase === 'idle' || state.phase === 'pending') {
    if (!breaches(spec, value)) {
      state.phase = 'idle';
      state.since = null;
      return null;
    }
    if (state.phase === 'idle' || gapBroken) {
      state.phase = 'pending';
      state.since = at;
    }
    const inCooldown = state.resolvedAt !== null && at - state.resolvedAt < spec.cooldownMs;
    if (at - state.since! < spec.minDurationMs || inCooldown) return null;
    const since = state.since!;
    Object.assign(state, { phase: 'open', since: null, openedAt: at, opened: state.opened + 1, peak: value });
    return { kind: 'open', at, since, value };
  }

  if (breaches(spec, value)) state.peak = worse(spec, state.peak ?? value, value);
  if (!cleared(spec, value)) {
    state.phase = 'open';
    state.since = null;
    return null;
  }
  if (state.phase === 'open' || gapBroken) {
    state.phase = 'clearing';
    state.since = at;
  }
  if (at - state.since! < spec.minDurationMs) return null;
  return resolveRule(state, at, value);
}

/** Ends an open alert whatever the data says (a service replaced the part). */
export function forceResolve(state: RuleState, at: number): Transition | null {
  if (state.phase !== 'open' && state.phase !== 'clearing') {
    state.phase = 'idle';
    state.since = null;
    return null;
  }
  return resolveRule(state, at, null);
}

function resolveRule(state: RuleState, at: number, value: number | null): Transition {
  Object.assign(state, { phase: 'idle', since: null, resolvedAt: at, peak: null });
  return { kind: 'resolve', at, value };
}

export const isOpen = (state: RuleState) => state.phase === 'open' || state.phase === 'clearing';
