import { codesMatching } from '../observations/dtc-state.js';
import { round, scored, type Evidence } from './part.js';
import { newest, NOT_RENEWED, type PartModel, type Renewal } from './part-model.js';

/** P0171/P0174 too lean, P0172/P0175 too rich. */
export const MIXTURE_CODES = /^P017[1245]$/;

/**
 * The fuel system, from long-term fuel trims (PIDs 07 and 09): the ECU's learned correction.
 * Within ±10 % is normal; beyond ±25 % the ECU runs out of authority (a vacuum leak, a weak
 * pump, clogged injectors) and sets a lean or rich code.
 */
export const FUEL = { normalPercent: 10, limitPercent: 25, smoothing: 0.2 } as const;

export interface FuelState {
  renewal: Renewal;
  bank1: number | null;
  bank2: number | null;
  lastAt: number | null;
  updatedAt: number | null;
}

/** The larger deviation of the two banks. */
export const worstTrim = (state: Pick<FuelState, 'bank1' | 'bank2'>) =>
  Math.max(Math.abs(state.bank1 ?? 0), Math.abs(state.bank2 ?? 0));

function trimScore(worst: number): number {
  if (worst <= 5) return 100;
  if (worst <= FUEL.normalPercent) return 100 - (worst - 5) * 3;
  if (worst <= FUEL.limitPercent) return 85 - (worst - FUEL.normalPercent) * 3;
  return 35 - (worst - FUEL.limitPercent) * 2;
}

export const fuelSystem: PartModel<FuelState> = {
  part: 'FUEL_SYSTEM',
  name: 'Fuel system',
  initial: () => ({ renewal: NOT_RENEWED, bank1: null, bank2: null, lastAt: null, updatedAt: null }),
  observe(state, { sample }) {
    const { ltft1, ltft2 } = sample.values;
    if ((ltft1 === undefined && ltft2 === undefined) || (state.lastAt !== null && sample.at <= state.lastAt)) return;
    const smooth = (previous: number | null, value: number | undefined) =>
      value === undefined ? previous : previous === null ? value : previous + FUEL.smoothing * (value - previous);
    state.bank1 = smooth(state.bank1, ltft1);
    state.bank2 = smooth(state.bank2, ltft2);
    state.lastAt = sample.at;
    state.updatedAt = newest(state.updatedAt, sample.at);
  },
  renew(state, renewal) {
    Object.assign(state, fuelSystem.initial(), { renewal, updatedAt: renewal.at });
  },
  assess(state, { dtcs }) {
    const evidence: Evidence[] = [];
    const worst = worstTrim(state);
    let score = trimScore(worst);
    if (state.bank1 !== null || state.bank2 !== null) {
      const banks = [state.bank1, state.bank2]
        .map((trim, i) => (trim === null ? null : `bank ${i + 1} ${trim > 0 ? '+' : ''}${round(trim)} %`))
        .filter(Boolean)
        .join(', ');
      const verdict =
        worst > FUEL.limitPercent ? 'beyond the ±25 % limit' : worst > FUEL.normalPercent ? 'high' : 'normal';
      evidence.push({ message: `Long-term fuel trim ${banks}: ${verdict}`, observedAt: state.lastAt });
    } else {
      evidence.push({ message: 'No fuel trims reported yet', observedAt: null });
    }
    const mixture = codesMatching(dtcs, MIXTURE_CODES);
    if (mixture.length > 0) {
      score -= 20;
      evidence.push({ message: `Mixture code(s) active: ${mixture.join(', ')}`, observedAt: state.updatedAt });
    }
    const failing = worst > FUEL.limitPercent || mixture.length > 0;
    return {
      part: 'FUEL_SYSTEM',
      name: 'Fuel system',
      ...scored(score),
      remainingKm: failing ? 0 : null,
      remainingDays: failing ? 0 : null,
      confidence: state.lastAt === null ? 0.1 : 0.6,
      evidence,
      updatedAt: state.updatedAt,
    };
  },
};
