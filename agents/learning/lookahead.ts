import { helpsProbability, HELPS_PRIOR, nextRecoveryChance, type ArmCounts } from './baseline-model.js';

/**
 * How many later firings of a trigger kind what one outcome teaches is counted for, when a pick
 * is weighed between "most likely to help now" and "what trying it would tell" (the horizon of
 * the online knowledge gradient: Ryzhov, Powell and Frazier, 2012). Chosen with
 * bench:agents -- --learning: 8 and 16 did about as well, 32 explored too long, 0 is the plain
 * greedy pick.
 */
export const LOOKAHEAD_FIRINGS = 8;

/**
 * Pure: per action, in the order given, how much one more outcome of it is expected to raise the
 * best chance of helping among all the actions (the knowledge gradient), the baseline held where
 * it is. An action nobody doubts gains nothing: whatever it does next, the pick stays the same.
 * One whose single outcome failed but might still be the one that works gains most, which is
 * what the greedy pick missed: with half of the incidents ending by themselves, one unlucky
 * failure left the working action behind an action that recovers only as often as doing
 * nothing, for good.
 */
export function lookaheadGains(
  arms: readonly ArmCounts[],
  baseline: number,
  helps: readonly number[],
  prior = HELPS_PRIOR,
): number[] {
  const best = Math.max(...helps);
  return arms.map((arm, i) => {
    const others = Math.max(0, ...helps.filter((_, j) => j !== i));
    const recovers = nextRecoveryChance(arm, baseline, prior);
    const ifRecovered = helpsProbability({ recovered: arm.recovered + 1, outcomes: arm.outcomes + 1 }, baseline, prior);
    const ifNot = helpsProbability({ recovered: arm.recovered, outcomes: arm.outcomes + 1 }, baseline, prior);
    const expected = recovers * Math.max(ifRecovered, others) + (1 - recovers) * Math.max(ifNot, others);
    return Math.max(0, expected - best);
  });
}
