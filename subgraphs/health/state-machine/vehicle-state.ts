import type { RuleState } from '../alerts/rule-engine.js';
import type { ServiceKind } from '../maintenance/service-kind.js';
import { initialDtcs, type DtcState } from '../observations/dtc-state.js';
import { initialUsage, type UsageState } from '../observations/usage.js';
import { initialParts, type PartStates } from '../parts/part-models.js';

export interface ServiceDone {
  at: number;
  odometerKm: number | null;
  /** Tracked distance when it was recorded: distance-based models count from there. */
  km: number;
}

/**
 * Everything health knows about one vehicle, folded from its telemetry, trouble codes and
 * services. Plain JSON (times are epoch ms), stored as one versioned document per change.
 */
export interface VehicleState {
  vehicleId: string;
  /** Keys of the events already folded in, newest last and bounded: redeliveries are skipped. */
  applied: string[];
  usage: UsageState;
  parts: PartStates;
  dtcs: DtcState;
  rules: Record<string, RuleState>;
  services: Partial<Record<ServiceKind, ServiceDone>>;
  /** The last odometer reading recorded with a service, and the tracked distance then. */
  odometer: { km: number; atDistanceKm: number; at: number } | null;
  /** The daily snapshot last written (event time). */
  snapshot: { day: string; at: number } | null;
}

/** Redeliveries come back within a visibility timeout; far more events than that fit in here. */
export const APPLIED_KEPT = 100;

export const initialVehicleState = (vehicleId: string): VehicleState => ({
  vehicleId,
  applied: [],
  usage: initialUsage(),
  parts: initialParts(),
  dtcs: initialDtcs(),
  rules: {},
  services: {},
  odometer: null,
  snapshot: null,
});

/** The odometer now: the last recorded reading plus what was driven since. Null when none was recorded. */
export const estimatedOdometer = (state: VehicleState): number | null =>
  state.odometer ? state.odometer.km + Math.max(0, state.usage.distanceKm - state.odometer.atDistanceKm) : null;
