import { helpfulness, type ArmCounts } from './baseline-model.js';
import type { ExpectedCourse } from './counterfactual.js';
import { selectAction, type LearningState } from './learning-state.js';
import { LOOKAHEAD_FIRINGS, lookaheadGains } from './lookahead.js';
import type { Rng } from './prng.js';
import type { ThompsonChoice } from './thompson.js';

export interface Selection extends ThompsonChoice {
  /** The recovery rate of doing nothing the actions were weighed against (baseline-model.ts). */
  baseline: number;
  /**
   * Per eligible action, in the order given: the chance it helps compared with doing nothing, and
   * how much one more outcome of it is expected to raise the best such chance (lookahead.ts).
   */
  helps: Array<{ action: string; helps: number; gain: number }>;
  /** True when the pick is not the likeliest to help but the one whose outcome teaches most. */
  exploring: boolean;
}

/**
 * Pure: takes the eligible action most likely to help compared with doing nothing
 * (baseline-model.ts), plus what trying it would teach, counted for `lookahead` later firings
 * (lookahead.ts); ties broken by the seeded generator. An action never tried sits at the prior
 * chance; one that keeps recovering no more often than doing nothing sinks below it, so the
 * untried ones get their turn, and one failure (the incident neither ended by itself nor was
 * fixed) weighs more than a recovery, which doing nothing often gets too.
 *
 * This replaced Thompson sampling over raw recovery rates, which kept exploring while the
 * posteriors of the actions overlapped: with half of the incidents ending by themselves it needed
 * 20 to 29 episodes to pick the working action 80 % of the time (bench:agents -- --learning).
 * The greedy pick alone needed 18 to 22: one unlucky failure could leave the working action
 * behind one that merely recovers as often as doing nothing. The lookahead goes back to it. The
 * Thompson draws are still made and recorded as the options considered. Replayable: every draw
 * comes from `rng`.
 */
export function chooseAction(
  state: LearningState,
  triggerKind: string,
  eligibleActions: readonly string[],
  rng: Rng,
  course: ExpectedCourse,
  lookahead = LOOKAHEAD_FIRINGS,
): Selection {
  const draws = selectAction(state, triggerKind, eligibleActions, rng);
  const counts: ArmCounts[] = draws.samples.map(({ action }) => {
    const arm = state.arms.find((a) => a.triggerKind === triggerKind && a.action === action);
    const recovered = arm ? Math.max(0, arm.recovered ?? arm.alpha - state.prior.alpha) : 0;
    const outcomes = arm ? Math.max(recovered, arm.outcomes ?? arm.pulls) : 0;
    return { action, recovered, outcomes };
  });
  const { baseline, actions } = helpfulness(counts, course);
  const gains = lookaheadGains(
    counts,
    baseline,
    actions.map((a) => a.helps),
  );
  const helps = actions.map((a, i) => ({ ...a, gain: gains[i] }));
  let best = helps[0];
  let bestKey = -Infinity;
  for (const candidate of helps) {
    const key = candidate.helps + lookahead * candidate.gain + 1e-9 * rng.next();
    if (key > bestKey) [best, bestKey] = [candidate, key];
  }
  const exploring = helps.some((h) => h.helps > best.helps + 1e-9);
  return { ...draws, action: best.action, baseline, helps, exploring };
}
