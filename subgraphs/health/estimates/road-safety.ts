import { ESTIMATE_NOTICE, input, type EstimateBasis } from './estimate.js';

export type SafetyVerdict = 'SAFE' | 'CAUTION' | 'NOT_SAFE';

export interface SafetyIssue {
  source: 'part' | 'alert' | 'code';
  severity: 'HIGH' | 'CRITICAL';
  description: string;
}

export interface RoadSafetyEstimate extends EstimateBasis {
  verdict: SafetyVerdict;
  safeToDrive: boolean;
  issues: SafetyIssue[];
}

export const VERDICT_TEXT: Record<SafetyVerdict, string> = {
  NOT_SAFE: 'Not safe to drive',
  CAUTION: 'Drive with caution and have it checked soon',
  SAFE: 'Safe to drive',
};

/** Any CRITICAL issue means "not safe to drive"; HIGH ones mean caution. */
export function assessRoadSafety(issues: readonly SafetyIssue[]): RoadSafetyEstimate {
  const verdict: SafetyVerdict = issues.some((i) => i.severity === 'CRITICAL')
    ? 'NOT_SAFE'
    : issues.length > 0
      ? 'CAUTION'
      : 'SAFE';
  const critical = issues.filter((i) => i.severity === 'CRITICAL').length;
  return {
    verdict,
    safeToDrive: verdict !== 'NOT_SAFE',
    issues: [...issues].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'CRITICAL' ? -1 : 1)),
    summary: VERDICT_TEXT[verdict],
    method: `${ESTIMATE_NOTICE} From parts in CRITICAL condition, open CRITICAL or HIGH alerts and active trouble codes; not a roadworthiness inspection.`,
    inputs: [input('Critical issues', critical), input('High-severity issues', issues.length - critical)],
  };
}
