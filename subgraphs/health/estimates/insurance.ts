import { clamp, round } from '../parts/part.js';
import { ESTIMATE_NOTICE, input, type EstimateBasis } from './estimate.js';

export type InsuranceRiskLevel = 'LOW' | 'MODERATE' | 'HIGH';

export interface InsuranceFactors {
  healthScore: number;
  hardStopsPer100Km: number | null;
  overheatingEpisodes: number;
  criticalAlerts90Days: number;
  kmPerDay: number;
  kmPerDayMeasured: boolean;
}

export interface InsuranceEstimate extends EstimateBasis {
  riskLevel: InsuranceRiskLevel;
  /** Indicative change of a usage-based premium, in percent (negative is a discount). */
  premiumChangePercent: number;
}

/**
 * How a usage-based insurer would likely see the vehicle: hard braking is the strongest
 * driving-style signal telematics insurers use; an unhealthy or often-critical vehicle and
 * high mileage add risk, a healthy low-mileage one earns a discount.
 */
export function estimateInsurance(f: InsuranceFactors): InsuranceEstimate {
  const style = f.hardStopsPer100Km === null ? 0 : clamp(f.hardStopsPer100Km * 2, 0, 15);
  const condition = f.healthScore < 60 ? 10 : f.healthScore < 80 ? 4 : f.healthScore >= 90 ? -3 : 0;
  const incidents = Math.min(9, f.criticalAlerts90Days * 3) + Math.min(6, f.overheatingEpisodes * 2);
  const mileage = !f.kmPerDayMeasured ? 0 : f.kmPerDay > 80 ? 5 : f.kmPerDay < 20 ? -2 : 0;
  const change = round(style + condition + incidents + mileage);
  const riskLevel: InsuranceRiskLevel = change < 3 ? 'LOW' : change < 10 ? 'MODERATE' : 'HIGH';
  return {
    riskLevel,
    premiumChangePercent: change,
    summary: `${riskLevel.toLowerCase()} risk: about ${change > 0 ? '+' : ''}${change} % on a usage-based premium`,
    method: `${ESTIMATE_NOTICE} Points for hard braking (2 per event per 100 km, up to 15), vehicle condition, critical alerts and overheating in the last 90 days, and daily distance.`,
    inputs: [
      input('Health score', f.healthScore),
      input('Hard braking per 100 km', f.hardStopsPer100Km === null ? null : round(f.hardStopsPer100Km, 2)),
      input('Critical alerts, last 90 days', f.criticalAlerts90Days),
      input('Overheating episodes', f.overheatingEpisodes),
      input('Distance per day', f.kmPerDayMeasured ? round(f.kmPerDay) : null, ' km'),
    ],
  };
}
