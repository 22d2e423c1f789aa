import { clamp, DAY_MS, round, scored, type Evidence } from './part.js';
import { daysFor, kmSince, newest, NOT_RENEWED, type PartModel, type Renewal } from './part-model.js';

/**
 * An oil-life monitor in the manner of the ones carmakers ship: oil wears with engine
 * revolutions, faster when hot, and short trips that never warm the engine up dilute it with
 * fuel and water. About 30 million revolutions is 15,000 km of mixed driving; oil also ages
 * out after a year whatever the distance.
 */
export const OIL = {
  ratedRevolutions: 30_000_000,
  maxAgeDays: 365,
  /** Each short cold trip costs as much as this many revolutions (about 75 km). */
  coldTripPenalty: 150_000,
  shortTripMs: 10 * 60_000,
  warmCoolantC: 70,
  /** Revolutions per km when too little distance is known to measure it. */
  typicalRevolutionsPerKm: 2_000,
} as const;

export interface OilState {
  renewal: Renewal;
  revolutions: number;
  /** Extra revolutions charged for running hot and for short cold trips. */
  penaltyRevolutions: number;
  hotRevolutions: number;
  coldShortTrips: number;
  updatedAt: number | null;
}

/** Remaining oil life, 0 to 1, by wear and by age. */
export function oilLife(state: OilState, now: number, trackedSince: number | null) {
  const used = state.revolutions + state.penaltyRevolutions;
  const byWear = 1 - used / OIL.ratedRevolutions;
  const start = state.renewal.at ?? trackedSince;
  const ageDays = start === null ? 0 : Math.max(0, (now - start) / DAY_MS);
  const byAge = 1 - ageDays / OIL.maxAgeDays;
  return { life: clamp(Math.min(byWear, byAge), 0, 1), byWear: clamp(byWear, 0, 1), ageDays, used };
}

export const engineOil: PartModel<OilState> = {
  part: 'ENGINE_OIL',
  name: 'Engine oil',
  initial: () => ({
    renewal: NOT_RENEWED,
    revolutions: 0,
    penaltyRevolutions: 0,
    hotRevolutions: 0,
    coldShortTrips: 0,
    updatedAt: null,
  }),
  observe(state, { sample, delta }) {
    if (state.renewal.at !== null && sample.at < state.renewal.at) return;
    state.revolutions += delta.revolutions;
    state.hotRevolutions += delta.hotRevolutions;
    state.penaltyRevolutions += delta.hotRevolutions;
    const run = delta.endedRun;
    if (run && run.durationMs < OIL.shortTripMs && run.maxCoolant !== null && run.maxCoolant < OIL.warmCoolantC) {
      state.coldShortTrips += 1;
      state.penaltyRevolutions += OIL.coldTripPenalty;
    }
    if (delta.revolutions > 0 || run) state.updatedAt = newest(state.updatedAt, sample.at);
  },
  renew(state, renewal) {
    Object.assign(state, engineOil.initial(), { renewal, updatedAt: renewal.at });
  },
  assess(state, { now, usage, kmPerDay, kmPerDayMeasured }) {
    const { life, byWear, ageDays, used } = oilLife(state, now, usage.firstAt);
    const km = kmSince(state.renewal, usage);
    const revolutionsPerKm = km >= 10 ? state.revolutions / km : OIL.typicalRevolutionsPerKm;
    const remainingByWearKm = (OIL.ratedRevolutions - used) / Math.max(revolutionsPerKm, 1);
    const remainingByAgeDays = OIL.maxAgeDays - ageDays;
    const remainingKm = Math.max(0, Math.min(remainingByWearKm, remainingByAgeDays * kmPerDay));
    const remainingDays = Math.max(0, Math.min(remainingByAgeDays, daysFor(remainingByWearKm, kmPerDay) ?? Infinity));

    const evidence: Evidence[] = [
      {
        message: `${round(state.revolutions / 1e6, 2)} million engine revolutions since the oil change (rated ${OIL.ratedRevolutions / 1e6} million); oil life ${round(byWear * 100)} % by wear`,
        observedAt: state.updatedAt,
      },
    ];
    if (state.hotRevolutions > 0) {
      evidence.push({
        message: `${round(state.hotRevolutions / 1e6, 2)} million revolutions with hot oil (counted twice)`,
        observedAt: state.updatedAt,
      });
    }
    if (state.coldShortTrips > 0) {
      evidence.push({
        message: `${state.coldShortTrips} short trip(s) that ended before the engine warmed up`,
        observedAt: state.updatedAt,
      });
    }
    evidence.push({
      message:
        state.renewal.at === null
          ? 'No oil change recorded: oil is assumed fresh when tracking started'
          : `Oil changed ${Math.floor(ageDays)} day(s) ago (oil ages out after ${OIL.maxAgeDays} days)`,
      observedAt: state.renewal.at,
    });

    const hours = (state.revolutions / 2_000 / 60) | 0;
    const confidence = state.renewal.at === null ? 0.3 : clamp(0.5 + hours / 100, 0.5, 0.9);
    return {
      part: 'ENGINE_OIL',
      name: 'Engine oil',
      ...scored(life * 100),
      remainingKm: round(remainingKm, 0),
      remainingDays: round(remainingDays, 0),
      confidence: kmPerDayMeasured ? confidence : Math.min(confidence, 0.4),
      evidence,
      updatedAt: state.updatedAt,
    };
  },
};
