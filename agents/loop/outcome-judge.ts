import type { ThresholdRule } from '../triggers/threshold.js';

/** An action that brought the metric down (or up, for "below" rules) by this share counts as helping. */
export const IMPROVEMENT_SHARE = 0.2;

export interface Judgement {
  success: boolean;
  note: string;
}

/**
 * Pure: did acting help? A routine (no metric) succeeds when its action did. Otherwise the
 * action must have worked and the metric recovered past the threshold or improved by 20 %;
 * a metric no longer reported (no traffic left to measure) counts as recovered.
 */
export function judgeOutcome(input: {
  rule: ThresholdRule | undefined;
  before: number;
  after: number | null;
  actionSucceeded: boolean;
}): Judgement {
  const { rule, before, after, actionSucceeded } = input;
  if (!actionSucceeded) return { success: false, note: 'the action itself reported a problem' };
  if (!rule) return { success: true, note: 'the routine ran' };
  if (after === null) return { success: true, note: `${rule.metric} is no longer reported` };
  const above = (rule.direction ?? 'above') === 'above';
  const recovered = above ? after < rule.threshold : after > rule.threshold;
  if (recovered) return { success: true, note: `${rule.metric} back within ${rule.threshold} (${before} → ${after})` };
  const improved = above ? after <= before * (1 - IMPROVEMENT_SHARE) : after >= before * (1 + IMPROVEMENT_SHARE);
  if (improved) return { success: true, note: `${rule.metric} improved from ${before} to ${after}` };
  return { success: false, note: `${rule.metric} still at ${after} (threshold ${rule.threshold}, was ${before})` };
}
