import { expectedRecovery, type ExpectedCourse } from './counterfactual.js';

/**
 * Does an action help at all, compared with doing nothing? Each action's record (outcomes,
 * recoveries) is weighed between two explanations:
 * - it does what doing nothing does: it recovers at the baseline rate p0;
 * - it helps: it recovers at some rate above p0, any rate in (p0, 1] alike.
 *
 * Most actions do not fix a given incident, and when half of the incidents end by themselves a
 * raw recovery rate tells an action that helps from one that does not only slowly; weighing each
 * outcome against the baseline makes a failure under an action (the incident neither ended by
 * itself nor was fixed) count for what it is. The baseline is learnt from the controls and from
 * the actions that look like doing nothing (pooledBaseline), never from the simulator's or the
 * system's own knowledge of what an incident would have done.
 */

export interface ArmCounts {
  action: string;
  recovered: number;
  outcomes: number;
}

/** The prior chance that an action, never tried for a trigger kind, helps against it. */
export const HELPS_PRIOR = 0.3;
const GRID = 200;
const EDGE = 0.02;

const clamp = (p: number) => Math.min(1 - EDGE, Math.max(EDGE, p));

/**
 * Pure: the posterior chance that the action helps (recovers more often than doing nothing,
 * which recovers `baseline` of the time), given its record. Counts may be fractional.
 */
export function helpsProbability(
  counts: Pick<ArmCounts, 'recovered' | 'outcomes'>,
  baseline: number,
  prior = HELPS_PRIOR,
): number {
  return weigh(counts, baseline, prior).helps;
}

/**
 * Pure: the chance that the action's next firing recovers, given its record: the baseline if it
 * does what doing nothing does, its posterior mean rate if it helps, weighed by how likely each is.
 */
export function nextRecoveryChance(
  counts: Pick<ArmCounts, 'recovered' | 'outcomes'>,
  baseline: number,
  prior = HELPS_PRIOR,
): number {
  const { helps, rateIfHelps } = weigh(counts, baseline, prior);
  return helps * rateIfHelps + (1 - helps) * clamp(baseline);
}

function weigh(counts: Pick<ArmCounts, 'recovered' | 'outcomes'>, baseline: number, prior: number) {
  const p0 = clamp(baseline);
  const s = Math.max(0, counts.recovered);
  const f = Math.max(0, counts.outcomes - counts.recovered);
  // Likelihoods relative to the baseline's, on a log scale so long records do not underflow.
  const logAt = (p: number) => s * Math.log(p / p0) + f * Math.log((1 - p) / (1 - p0));
  const rates: number[] = [];
  const logs: number[] = [];
  let max = -Infinity;
  for (let i = 0; i < GRID; i++) {
    const p = p0 + ((1 - p0) * (i + 0.5)) / GRID;
    const l = logAt(p);
    rates.push(p);
    logs.push(l);
    if (l > max) max = l;
  }
  let mass = 0;
  let moment = 0;
  logs.forEach((l, i) => {
    const w = Math.exp(l - max);
    mass += w;
    moment += w * rates[i];
  });
  const rateIfHelps = moment / mass;
  // P(helps) = π·L1 / (π·L1 + (1−π)·L0), with L0 = 1 on this scale and L1 = (mass / GRID) × e^max.
  const odds = (prior / (1 - prior)) * (mass / GRID) * Math.exp(max);
  if (!Number.isFinite(odds)) return { helps: 1, rateIfHelps };
  return { helps: odds / (1 + odds), rateIfHelps };
}

/**
 * Pure: the chance that the metric recovers when nothing is done. The controls measure it
 * directly; the actions that probably do not help behave like doing nothing, so their outcomes
 * count too, each weighted by its chance of not helping (a few rounds, starting from the
 * controls alone). With few controls this settles the baseline far sooner than the controls
 * would on their own.
 */
export function pooledBaseline(arms: readonly ArmCounts[], course: ExpectedCourse, prior = HELPS_PRIOR): number {
  let p0 = expectedRecovery(course);
  for (let round = 0; round < 3; round++) {
    let recovered = course.recovered + 1;
    let samples = course.samples + 2;
    for (const arm of arms) {
      const nothing = 1 - helpsProbability(arm, p0, prior);
      recovered += nothing * arm.recovered;
      samples += nothing * arm.outcomes;
    }
    p0 = clamp(recovered / samples);
  }
  return p0;
}

export interface Helpfulness {
  baseline: number;
  /** Per action, in the order given: the chance it helps compared with doing nothing. */
  actions: Array<{ action: string; helps: number }>;
}

export function helpfulness(arms: readonly ArmCounts[], course: ExpectedCourse, prior = HELPS_PRIOR): Helpfulness {
  const baseline = pooledBaseline(arms, course, prior);
  return { baseline, actions: arms.map((a) => ({ action: a.action, helps: helpsProbability(a, baseline, prior) })) };
}
