import { round, scored, type Evidence } from './part.js';
import { daysFor, kmSince, newest, NOT_RENEWED, type PartModel, type Renewal } from './part-model.js';

/**
 * Tyres wear with distance (about 50,000 km of tread), and pressures, when a vehicle reports
 * them (TPMS readings named "Tyre pressure <position>"), show leaks and flats at once.
 */
export const TYRES = {
  treadLifeKm: 50_000,
  flatKpa: 150,
  lowKpa: 190,
  highKpa: 300,
} as const;

export interface TyreState {
  renewal: Renewal;
  pressures: Record<string, { kPa: number; at: number }>;
  updatedAt: number | null;
}

export const tyres: PartModel<TyreState> = {
  part: 'TYRES',
  name: 'Tyres',
  initial: () => ({ renewal: NOT_RENEWED, pressures: {}, updatedAt: null }),
  observe(state, { sample, delta }) {
    let touched = delta.km > 0;
    for (const [position, kPa] of Object.entries(sample.tyres)) {
      const current = state.pressures[position];
      if (current && sample.at <= current.at) continue;
      state.pressures[position] = { kPa, at: sample.at };
      touched = true;
    }
    if (touched) state.updatedAt = newest(state.updatedAt, sample.at);
  },
  renew(state, renewal) {
    Object.assign(state, { renewal, updatedAt: renewal.at });
  },
  assess(state, { usage, kmPerDay }) {
    const km = kmSince(state.renewal, usage);
    let score = (1 - km / TYRES.treadLifeKm) * 100;
    const remainingKm = Math.max(0, TYRES.treadLifeKm - km);
    const evidence: Evidence[] = [
      {
        message: `${round(km)} km on the tyres since ${state.renewal.at === null ? 'tracking started (no replacement recorded)' : 'they were replaced'}`,
        observedAt: state.updatedAt,
      },
    ];
    const pressures = Object.entries(state.pressures);
    for (const [position, { kPa, at }] of pressures) {
      const verdict =
        kPa < TYRES.flatKpa ? 'flat' : kPa < TYRES.lowKpa ? 'low' : kPa > TYRES.highKpa ? 'high' : 'normal';
      if (verdict === 'flat') score = Math.min(score, 15);
      else if (verdict === 'low') score -= 25;
      else if (verdict === 'high') score -= 10;
      evidence.push({ message: `${position}: ${round(kPa, 0)} kPa (${verdict})`, observedAt: at });
    }
    if (pressures.length === 0) evidence.push({ message: 'No tyre pressures reported', observedAt: null });
    return {
      part: 'TYRES',
      name: 'Tyres',
      ...scored(score),
      remainingKm: round(remainingKm, 0),
      remainingDays: round(daysFor(remainingKm, kmPerDay) ?? 0, 0),
      confidence: (state.renewal.at === null ? 0.2 : 0.4) + (pressures.length > 0 ? 0.2 : 0),
      evidence,
      updatedAt: state.updatedAt,
    };
  },
};
