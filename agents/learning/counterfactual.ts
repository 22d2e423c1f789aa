import type { ThresholdRule } from '../triggers/threshold.js';

/** What the metric did between the firing and the outcome check, whoever acted. */
export type Recovery = 'RECOVERED' | 'NOT_RECOVERED' | 'INCONCLUSIVE';

/**
 * What the outcome says about the action:
 * - FIXED: the metric recovered and the expected course (doing nothing) would mostly not have;
 * - ENDED_ON_ITS_OWN: it recovered, but firings where nothing was done mostly recover too;
 * - NOT_FIXED: the metric did not recover, or the action itself failed;
 * - INCONCLUSIVE: nothing left to measure (no traffic), so nobody learns from it;
 * - CONTROL: nothing was done on purpose; the outcome feeds the expected course.
 */
export type Verdict = 'FIXED' | 'ENDED_ON_ITS_OWN' | 'NOT_FIXED' | 'INCONCLUSIVE' | 'CONTROL';

/** Outcomes of firings where nothing was done, for one trigger kind: the metric's expected course. */
export interface ExpectedCourse {
  samples: number;
  recovered: number;
}

/**
 * Pure: did the metric recover from `before` to `after`? Only back past the threshold counts: a
 * metric that merely fell (a burst thinning out, noise) has not recovered, a metric that was at 0
 * and stays at 0 has not "improved", and one no longer reported tells nothing.
 */
export function recoveryOf(rule: ThresholdRule, after: number | null): Recovery {
  if (after === null || !Number.isFinite(after)) return 'INCONCLUSIVE';
  const above = (rule.direction ?? 'above') === 'above';
  return (above ? after < rule.threshold : after > rule.threshold) ? 'RECOVERED' : 'NOT_RECOVERED';
}

/**
 * The chance that the metric recovers by the check when nothing is done: the posterior mean of
 * the no-action outcomes under a uniform prior, so it is 0.5 before any control was observed.
 */
export function expectedRecovery(course: ExpectedCourse): number {
  return (course.recovered + 1) / (course.samples + 2);
}

export interface Credit {
  verdict: Verdict;
  recovery: Recovery;
  /**
   * The part of a success this outcome gives the action, 0..1: a recovery earns 1 minus the
   * chance the metric would have recovered anyway, so a burst that ends by itself earns
   * (almost) nothing whatever was done. Null when the outcome is not learnt from.
   */
  credit: number | null;
  /** The expected course's recovery chance the credit was judged against. */
  expectedRecovery: number;
  note: string;
}

/**
 * Pure: judges one outcome against the counterfactual. `nothingDone` marks control firings and
 * no-op decisions: they are not credited, they measure the expected course.
 */
export function judgeAgainstCourse(input: {
  rule: ThresholdRule;
  before: number;
  after: number | null;
  actionSucceeded: boolean;
  nothingDone: boolean;
  course: ExpectedCourse;
}): Credit {
  const { rule, before, after, course } = input;
  const p0 = expectedRecovery(course);
  const recovery = recoveryOf(rule, after);
  const moved = `${rule.metric} ${before} → ${after ?? 'not reported'}`;
  const expected = `nothing done recovers ${Math.round(p0 * 100)} % of the time (${course.samples} samples)`;
  if (recovery === 'INCONCLUSIVE')
    return {
      verdict: 'INCONCLUSIVE',
      recovery,
      credit: null,
      expectedRecovery: p0,
      note: `${moved}: nothing to judge`,
    };
  if (input.nothingDone) return { verdict: 'CONTROL', recovery, credit: null, expectedRecovery: p0, note: moved };
  if (!input.actionSucceeded)
    return {
      verdict: 'NOT_FIXED',
      recovery,
      credit: 0,
      expectedRecovery: p0,
      note: 'the action itself reported a problem',
    };
  if (recovery === 'NOT_RECOVERED')
    return { verdict: 'NOT_FIXED', recovery, credit: 0, expectedRecovery: p0, note: `${moved}; not recovered` };
  const credit = 1 - p0;
  return {
    verdict: credit >= 0.5 ? 'FIXED' : 'ENDED_ON_ITS_OWN',
    recovery,
    credit,
    expectedRecovery: p0,
    note: `${moved}; recovered, and ${expected}`,
  };
}
