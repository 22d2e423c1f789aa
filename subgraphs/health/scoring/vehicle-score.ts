import type { Severity } from '../../../platform/vocabulary/severity.js';
import type { VehicleState } from '../state-machine/vehicle-state.js';
import { describeCodes, type DescribedCode } from '../observations/dtc-state.js';
import { drivingRate } from '../observations/usage.js';
import { clamp, round, type PartAssessment, type PartName } from '../parts/part.js';
import { assessParts } from '../parts/part-models.js';

/** How much each part weighs in the vehicle's score: what keeps the car safe and running weighs most. */
export const PART_WEIGHTS: Record<PartName, number> = {
  ENGINE_OIL: 1.5,
  BATTERY: 1,
  COOLING_SYSTEM: 1.5,
  BRAKES: 1.5,
  TYRES: 1,
  IGNITION: 1,
  EMISSIONS: 0.75,
  FUEL_SYSTEM: 0.75,
};

/** Points an active trouble code takes off; a pending one half as many. */
export const DTC_PENALTY: Record<Severity, number> = { INFO: 0, LOW: 3, MEDIUM: 8, HIGH: 15, CRITICAL: 30 };
const MAX_DTC_PENALTY = 60;
/** A vehicle with anything critical cannot score above this, whatever else is fine. */
const CRITICAL_CAP = 35;

export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

export const gradeOf = (score: number): Grade =>
  score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F';

export interface VehicleAssessment {
  score: number;
  grade: Grade;
  parts: PartAssessment[];
  codes: DescribedCode[];
  /** Weighted mean of the parts' confidences. */
  confidence: number;
  evaluatedAt: number;
  /** Event time of the newest data folded in. */
  dataUntil: number | null;
}

/** The score from the parts' scores and the active codes' severities (pure; unit-tested). */
export function vehicleScore(
  parts: readonly Pick<PartAssessment, 'part' | 'score' | 'status'>[],
  codes: readonly DescribedCode[],
) {
  const totalWeight = parts.reduce((sum, p) => sum + PART_WEIGHTS[p.part], 0);
  const weighted =
    totalWeight > 0 ? parts.reduce((sum, p) => sum + p.score * PART_WEIGHTS[p.part], 0) / totalWeight : 100;
  const penalty = Math.min(
    MAX_DTC_PENALTY,
    codes.reduce((sum, c) => sum + DTC_PENALTY[c.severity] * (c.status === 'ACTIVE' ? 1 : 0.5), 0),
  );
  let score = clamp(weighted - penalty, 0, 100);
  const critical =
    parts.some((p) => p.status === 'CRITICAL') || codes.some((c) => c.severity === 'CRITICAL' && c.status === 'ACTIVE');
  if (critical) score = Math.min(score, CRITICAL_CAP);
  const rounded = round(score);
  return { score: rounded, grade: gradeOf(rounded) };
}

export function assessVehicle(state: VehicleState, now: number): VehicleAssessment {
  const { kmPerDay, measured } = drivingRate(state.usage);
  const parts = assessParts(state.parts, {
    now,
    usage: state.usage,
    dtcs: state.dtcs,
    kmPerDay,
    kmPerDayMeasured: measured,
  });
  const codes = describeCodes(state.dtcs);
  const totalWeight = parts.reduce((sum, p) => sum + PART_WEIGHTS[p.part], 0);
  const confidence = parts.reduce((sum, p) => sum + p.confidence * PART_WEIGHTS[p.part], 0) / totalWeight;
  return {
    ...vehicleScore(parts, codes),
    parts,
    codes,
    confidence: round(confidence, 2),
    evaluatedAt: now,
    dataUntil: state.usage.lastAt,
  };
}
