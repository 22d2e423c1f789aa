import { expectedSuccess } from './beta-arm.js';
import { sampleBeta } from './distributions.js';
import { selectAction, type LearningState } from './learning-state.js';
import { createRng, type Rng } from './prng.js';
import type { ThompsonChoice } from './thompson.js';

/** The leader is exploited once it is at least this likely to be the best arm... */
export const EXPLOIT_WHEN_BEST = 0.5;
/** ...and its recovery rate is at least this far above what doing nothing recovers. */
export const EXPLOIT_MARGIN = 0.1;
const DRAWS = 100;

export interface Selection extends ThompsonChoice {
  /** True when the leader was taken instead of the Thompson draw; with its chance of being best. */
  exploited: boolean;
  leader: { action: string; probabilityBest: number } | null;
}

/**
 * Pure: Thompson sampling, except that an arm which is probably the best (P ≥ 0.5, from 100
 * further posterior draws) and recovers clearly more often than doing nothing (the control
 * arm's expected course, plus 0.1) is taken outright. Plain Thompson keeps exploring while the
 * posteriors still overlap, which makes it slow to settle on an action when many incidents end
 * on their own; the uplift condition keeps this from locking in an action whose recoveries
 * are only the ones that would have happened anyway. Replayable: the draws come from `rng`.
 */
export function chooseAction(
  state: LearningState,
  triggerKind: string,
  eligibleActions: readonly string[],
  rng: Rng,
  expectedRecovery: number,
): Selection {
  const choice = selectAction(state, triggerKind, eligibleActions, rng);
  if (choice.samples.length < 2) return { ...choice, exploited: false, leader: null };
  const arms = choice.samples.map((s) => {
    const arm = state.arms.find((a) => a.triggerKind === triggerKind && a.action === s.action);
    return { action: s.action, alpha: arm?.alpha ?? state.prior.alpha, beta: arm?.beta ?? state.prior.beta };
  });
  const wins = new Map<string, number>();
  const draws = createRng(rng.next() * 0x1_0000_0000);
  for (let i = 0; i < DRAWS; i++) {
    let best = arms[0];
    let bestDraw = -1;
    for (const arm of arms) {
      const draw = sampleBeta(arm.alpha, arm.beta, draws);
      if (draw > bestDraw) [best, bestDraw] = [arm, draw];
    }
    wins.set(best.action, (wins.get(best.action) ?? 0) + 1);
  }
  const [action, count] = [...wins.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  const leader = arms.find((a) => a.action === action)!;
  const probabilityBest = count / DRAWS;
  const exploited =
    probabilityBest >= EXPLOIT_WHEN_BEST && expectedSuccess(leader) >= expectedRecovery + EXPLOIT_MARGIN;
  return { ...choice, action: exploited ? action : choice.action, exploited, leader: { action, probabilityBest } };
}
