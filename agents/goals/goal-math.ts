/** Pure arithmetic of goals: progress, trend and whether a goal is on track. */

export type GoalDirection = 'AT_LEAST' | 'AT_MOST';
export type Trend = 'UP' | 'DOWN' | 'FLAT';

export interface GoalSample {
  at: Date;
  value: number;
}

export interface GoalFigures {
  direction: GoalDirection;
  current: number;
  target: number;
  startValue: number;
  startedAt: Date;
  /** Goals with a deadline are expected to move linearly from start to target by then. */
  dueAt: Date | null;
}

/** Samples kept per goal, and the least time between two of them. */
export const MAX_SAMPLES = 24;
export const SAMPLE_GAP_MS = 60_000;
/** A change smaller than this share of the older value reads as flat. */
const FLAT_SHARE = 0.01;
/** Percentage points behind the expected path before a goal counts as off track. */
export const OFF_TRACK_POINTS = 10;

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** 0 to 1: how close the current value is to the target. */
export function progressOf({
  direction,
  current,
  target,
}: Pick<GoalFigures, 'direction' | 'current' | 'target'>): number {
  if (direction === 'AT_MOST') {
    if (current <= target) return 1;
    return current > 0 ? clamp01(target / current) : 0;
  }
  if (target <= 0) return 1;
  return clamp01(current / target);
}

/** The direction of the value since the oldest kept sample. */
export function trendOf(samples: readonly GoalSample[], current: number): Trend {
  const oldest = samples[0];
  if (!oldest) return 'FLAT';
  const delta = current - oldest.value;
  const scale = Math.max(Math.abs(oldest.value), Math.abs(current), 1e-9);
  if (Math.abs(delta) <= FLAT_SHARE * scale) return 'FLAT';
  return delta > 0 ? 'UP' : 'DOWN';
}

/** Appends `value` unless the last sample is too recent; keeps the newest MAX_SAMPLES. */
export function withSample(samples: readonly GoalSample[], value: number, at: Date): GoalSample[] {
  const last = samples.at(-1);
  if (last && at.getTime() - new Date(last.at).getTime() < SAMPLE_GAP_MS) return [...samples];
  return [...samples, { at, value }].slice(-MAX_SAMPLES);
}

/** Where a goal with a deadline should be by `now`; null without one. */
export function expectedValue(goal: GoalFigures, now: number): number | null {
  if (!goal.dueAt) return null;
  const start = goal.startedAt.getTime();
  const span = goal.dueAt.getTime() - start;
  const share = span > 0 ? clamp01((now - start) / span) : 1;
  return goal.startValue + (goal.target - goal.startValue) * share;
}

/**
 * Percentage points of the start-to-target distance the goal is behind its expected path
 * (negative when ahead). Service-level goals have no path: 0 when met, 100 when breached.
 */
export function pointsBehind(goal: GoalFigures, now: number): number {
  const expected = expectedValue(goal, now);
  if (expected === null) {
    const met = goal.direction === 'AT_MOST' ? goal.current <= goal.target : goal.current >= goal.target;
    return met ? 0 : 100;
  }
  const distance = goal.target - goal.startValue;
  if (distance === 0) return 0;
  return (100 * (expected - goal.current)) / distance;
}

export function isOnTrack(goal: GoalFigures, now: number): boolean {
  return pointsBehind(goal, now) < OFF_TRACK_POINTS;
}
