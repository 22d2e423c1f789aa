import { HARSH_BRAKING_MPS2 } from '../../../platform/driving/driving-model.js';
import { round, scored } from './part.js';
import { daysFor, kmSince, newest, NOT_RENEWED, type PartModel, type Renewal } from './part-model.js';

/**
 * Brake pads wear with distance, and much faster with hard stops. Without a pad sensor this is
 * a distance model: about 40,000 km of mixed driving, each hard stop costing some 20 km more.
 */
export const BRAKES = { padLifeKm: 40_000, kmPerHardStop: 20 } as const;

export interface BrakeState {
  renewal: Renewal;
  hardStops: number;
  updatedAt: number | null;
}

export const brakes: PartModel<BrakeState> = {
  part: 'BRAKES',
  name: 'Brakes',
  initial: () => ({ renewal: NOT_RENEWED, hardStops: 0, updatedAt: null }),
  observe(state, { sample, delta }) {
    if (delta.km <= 0 && delta.harshBrakes === 0) return;
    state.hardStops += delta.harshBrakes;
    state.updatedAt = newest(state.updatedAt, sample.at);
  },
  renew(state, renewal) {
    Object.assign(state, { renewal, hardStops: 0, updatedAt: renewal.at });
  },
  assess(state, { usage, kmPerDay, kmPerDayMeasured }) {
    const km = kmSince(state.renewal, usage);
    const wornKm = km + state.hardStops * BRAKES.kmPerHardStop;
    const life = 1 - wornKm / BRAKES.padLifeKm;
    // Future wear at the rate seen so far: hard stops per km carry forward.
    const wearPerKm = km > 0 ? wornKm / km : 1;
    const remainingKm = Math.max(0, (BRAKES.padLifeKm - wornKm) / wearPerKm);
    const per100 = km >= 1 ? (state.hardStops / km) * 100 : 0;
    return {
      part: 'BRAKES',
      name: 'Brakes',
      ...scored(life * 100),
      remainingKm: round(remainingKm, 0),
      remainingDays: round(daysFor(remainingKm, kmPerDay) ?? 0, 0),
      confidence: (state.renewal.at === null ? 0.2 : 0.45) + (kmPerDayMeasured ? 0.1 : 0),
      evidence: [
        {
          message: `${round(km)} km driven since ${state.renewal.at === null ? 'tracking started (no brake service recorded)' : 'the brake service'}`,
          observedAt: state.updatedAt,
        },
        {
          message: `${state.hardStops} hard-braking event(s) (at least ${HARSH_BRAKING_MPS2} m/s²), ${round(per100, 2)} per 100 km`,
          observedAt: state.updatedAt,
        },
      ],
      updatedAt: state.updatedAt,
    };
  },
};
