import type { TriggerKind } from './categories.js';
import { dedupKey } from './dedup.js';

export interface ThresholdRule {
  kind: TriggerKind;
  /** The observed metric, e.g. `p95_ms` or `client_errors_per_minute`. */
  metric: string;
  threshold: number;
  /**
   * How far the value must come back past the threshold before the trigger can fire
   * again, so a value hovering around the line does not fire on every wobble.
   */
  hysteresis: number;
  /** No second firing within this long of the previous one, whatever the value does. */
  cooldownMs: number;
  /** `above` fires on value >= threshold (latency); `below` on value <= threshold (throughput). */
  direction?: 'above' | 'below';
}

/** Per rule and subject; plain data so it can be stored between ticks or instances. */
export interface ThresholdState {
  armed: boolean;
  lastFiredAt: number | null;
}

export interface TriggerFiring {
  kind: TriggerKind;
  metric: string;
  subject: string;
  value: number;
  threshold: number;
  firedAt: number;
  dedupKey: string;
}

export type SuppressedBy = 'cooldown' | 'disarmed';

export interface ThresholdEvaluation {
  state: ThresholdState;
  firing: TriggerFiring | null;
  /** Why a breach did not fire; absent when the value was within bounds or it fired. */
  suppressedBy?: SuppressedBy;
}

export function initialThresholdState(): ThresholdState {
  return { armed: true, lastFiredAt: null };
}

export function validateRule(rule: ThresholdRule): void {
  const problems: string[] = [];
  if (!Number.isFinite(rule.threshold)) problems.push('threshold must be finite');
  if (!(rule.hysteresis >= 0)) problems.push('hysteresis must be >= 0');
  if (!(rule.cooldownMs >= 0)) problems.push('cooldownMs must be >= 0');
  if (problems.length) throw new RangeError(`Invalid threshold rule ${rule.kind}: ${problems.join(', ')}`);
}

/**
 * One observation of the metric at time `now`. A breach fires only when the rule is armed
 * and outside its cooldown; firing disarms it until the value has recovered past
 * threshold ∓ hysteresis. A breach suppressed by the cooldown leaves the rule armed, so a
 * condition that persists fires once the cooldown is over.
 */
export function evaluateThreshold(
  rule: ThresholdRule,
  state: ThresholdState,
  value: number,
  now: number,
  subject = 'global',
): ThresholdEvaluation {
  if (!Number.isFinite(value)) return { state, firing: null };
  const above = (rule.direction ?? 'above') === 'above';
  const breached = above ? value >= rule.threshold : value <= rule.threshold;
  const recovered = above ? value < rule.threshold - rule.hysteresis : value > rule.threshold + rule.hysteresis;

  if (!breached) {
    return { state: recovered && !state.armed ? { ...state, armed: true } : state, firing: null };
  }
  if (!state.armed) return { state, firing: null, suppressedBy: 'disarmed' };
  if (state.lastFiredAt !== null && now - state.lastFiredAt < rule.cooldownMs) {
    return { state, firing: null, suppressedBy: 'cooldown' };
  }
  return {
    state: { armed: false, lastFiredAt: now },
    firing: {
      kind: rule.kind,
      metric: rule.metric,
      subject,
      value,
      threshold: rule.threshold,
      firedAt: now,
      dedupKey: dedupKey(rule.kind, subject, now, rule.cooldownMs),
    },
  };
}
