import { expectedSuccess, type BetaArm } from './beta-arm.js';
import { sampleBeta } from './distributions.js';
import type { Rng } from './prng.js';

export interface ArmSample {
  action: string;
  /** The draw from the arm's posterior that competed in this selection. */
  sample: number;
  expectedSuccess: number;
  pulls: number;
}

export interface ThompsonChoice {
  action: string;
  /** Every candidate with its draw, in the order given: the "options considered". */
  samples: ArmSample[];
}

/**
 * Draws once from each eligible arm's posterior and picks the highest draw. Arms the
 * caller did not pass are not candidates, so eligibility (guardrails, category) is decided
 * before learning ever gets a say. Ties go to the earlier arm, keeping replays exact.
 */
export function thompsonSelect(arms: readonly BetaArm[], rng: Rng): ThompsonChoice {
  if (arms.length === 0) throw new RangeError('thompsonSelect needs at least one eligible arm');
  const samples = arms.map((arm) => ({
    action: arm.action,
    sample: sampleBeta(arm.alpha, arm.beta, rng),
    expectedSuccess: expectedSuccess(arm),
    pulls: arm.pulls,
  }));
  let best = samples[0];
  for (const candidate of samples) {
    if (candidate.sample > best.sample) best = candidate;
  }
  return { action: best.action, samples };
}
