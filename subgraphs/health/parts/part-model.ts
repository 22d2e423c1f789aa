import type { DtcState } from '../observations/dtc-state.js';
import type { Sample } from '../observations/sample.js';
import type { UsageDelta, UsageState } from '../observations/usage.js';
import type { PartAssessment, PartName } from './part.js';

export interface ObserveContext {
  sample: Sample;
  delta: UsageDelta;
  usage: UsageState;
}

export interface AssessContext {
  /** Wall-clock time of the assessment (ages and due dates count to it). */
  now: number;
  usage: UsageState;
  dtcs: DtcState;
  kmPerDay: number;
  /** False while kmPerDay is a default rather than measured. */
  kmPerDayMeasured: boolean;
}

/** When the part was last renewed (a recorded service), and the tracked distance then. */
export interface Renewal {
  /** Null: no service recorded, counting from when tracking started. */
  at: number | null;
  km: number;
}

export const NOT_RENEWED: Renewal = { at: null, km: 0 };

/**
 * One part's model: pure functions over a JSON-safe state that the health DB keeps per vehicle.
 * `observe` sees samples in the order they are folded in (newest-first filtering is the usage
 * tracker's and the models' own job); `renew` is a recorded service that replaces the part.
 */
export interface PartModel<S> {
  part: PartName;
  name: string;
  initial(): S;
  observe?(state: S, context: ObserveContext): void;
  onDtcs?(state: S, dtcs: DtcState, at: number): void;
  renew(state: S, renewal: Renewal): void;
  assess(state: S, context: AssessContext): PartAssessment;
}

export const kmSince = (renewal: Renewal, usage: UsageState) => Math.max(0, usage.distanceKm - renewal.km);

/** Days from a remaining distance at the driving rate. */
export const daysFor = (km: number, kmPerDay: number) => (kmPerDay > 0 ? km / kmPerDay : null);

export const newest = (...times: (number | null | undefined)[]): number | null => {
  const known = times.filter((t): t is number => typeof t === 'number');
  return known.length ? Math.max(...known) : null;
};
