import { countInWindow, createSlidingWindow, recordEvents, type SlidingWindowState } from './sliding-window.js';
import {
  evaluateThreshold,
  initialThresholdState,
  validateRule,
  type ThresholdEvaluation,
  type ThresholdRule,
  type ThresholdState,
} from './threshold.js';

/** "N events within a window", e.g. 50 client errors in a minute. */
export interface BurstRule extends Omit<ThresholdRule, 'direction'> {
  windowMs: number;
}

export interface BurstState {
  window: SlidingWindowState;
  threshold: ThresholdState;
}

export function initialBurstState(rule: BurstRule, bucketCount = 60): BurstState {
  validateRule(rule);
  return { window: createSlidingWindow(rule.windowMs, bucketCount), threshold: initialThresholdState() };
}

export interface BurstEvaluation extends Omit<ThresholdEvaluation, 'state'> {
  state: BurstState;
  countInWindow: number;
}

/**
 * Records `count` events at `now` and evaluates the windowed count against the rule.
 * Call with count 0 on a tick to let the window drain and the rule re-arm.
 */
export function recordBurst(
  rule: BurstRule,
  state: BurstState,
  now: number,
  count = 1,
  subject = 'global',
): BurstEvaluation {
  const window = recordEvents(state.window, now, count);
  const current = countInWindow(window, now);
  const { state: threshold, ...evaluation } = evaluateThreshold(
    { ...rule, direction: 'above' },
    state.threshold,
    current,
    now,
    subject,
  );
  return { ...evaluation, state: { window, threshold }, countInWindow: current };
}
