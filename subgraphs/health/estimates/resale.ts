import { clamp, round } from '../parts/part.js';
import { ESTIMATE_NOTICE, input, type EstimateBasis } from './estimate.js';

export interface ResaleFactors {
  healthScore: number;
  /** Unresolved HIGH or CRITICAL alerts: faults a buyer's inspection would find. */
  seriousOpenIssues: number;
  servicesRecorded: number;
  kmPerDay: number;
  kmPerDayMeasured: boolean;
}

export interface ResaleEstimate extends EstimateBasis {
  /** Against a typical vehicle of the same make, model and age, in percent. */
  valueChangePercent: number;
}

/** Condition moves a used car's price by a few percent either way; known faults and missing service history cost most. */
export function estimateResale(f: ResaleFactors): ResaleEstimate {
  const condition = (f.healthScore - 80) * 0.25;
  const faults = -Math.min(12, f.seriousOpenIssues * 4);
  const history = f.servicesRecorded >= 2 ? 2 : f.servicesRecorded === 0 ? -1 : 0;
  const mileage = f.kmPerDayMeasured && f.kmPerDay > 60 ? -3 : 0;
  const change = round(clamp(condition + faults + history + mileage, -25, 10));
  return {
    valueChangePercent: change,
    summary: `About ${change > 0 ? '+' : ''}${change} % against a typical vehicle of the same make, model and age`,
    method: `${ESTIMATE_NOTICE} A quarter point per health point above or below 80, 4 points per serious open fault (up to 12), service history and daily distance.`,
    inputs: [
      input('Health score', f.healthScore),
      input('Serious open issues', f.seriousOpenIssues),
      input('Services recorded', f.servicesRecorded),
      input('Distance per day', f.kmPerDayMeasured ? round(f.kmPerDay) : null, ' km'),
    ],
  };
}
