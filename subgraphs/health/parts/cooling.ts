import { DAY_MS, round, scored, type Evidence } from './part.js';
import { NOT_RENEWED, newest, type PartModel, type Renewal } from './part-model.js';

/**
 * The cooling system, from coolant temperature (PID 05): a thermostat holds a warm engine near
 * 90 °C; running warmer than about 100 °C points at a weak radiator, fan or pump, and above
 * 110 °C the engine overheats. Episodes count until the system is serviced.
 */
export const COOLING = {
  overheatC: 110,
  /** An episode ends once the coolant is back below this. */
  recoveredC: 105,
  warmC: 70,
  runsWarmC: 100,
  serviceIntervalDays: 2 * 365,
  smoothing: 0.05,
  /** A current overheat only counts while the data showing it is this fresh. */
  currentMs: 10 * 60_000,
} as const;

export interface CoolingState {
  renewal: Renewal;
  episodes: number;
  lastEpisodeAt: number | null;
  inEpisode: boolean;
  peakC: number | null;
  /** Smoothed coolant temperature of a warm engine. */
  warmAverageC: number | null;
  last: { celsius: number; at: number } | null;
  updatedAt: number | null;
}

export const cooling: PartModel<CoolingState> = {
  part: 'COOLING_SYSTEM',
  name: 'Cooling system',
  initial: () => ({
    renewal: NOT_RENEWED,
    episodes: 0,
    lastEpisodeAt: null,
    inEpisode: false,
    peakC: null,
    warmAverageC: null,
    last: null,
    updatedAt: null,
  }),
  observe(state, { sample }) {
    const celsius = sample.values.coolant;
    if (celsius === undefined || (state.last && sample.at <= state.last.at)) return;
    state.last = { celsius, at: sample.at };
    state.updatedAt = newest(state.updatedAt, sample.at);
    if (celsius > COOLING.overheatC && !state.inEpisode) {
      state.inEpisode = true;
      state.episodes += 1;
      state.lastEpisodeAt = sample.at;
    } else if (celsius < COOLING.recoveredC) {
      state.inEpisode = false;
    }
    if (celsius > (state.peakC ?? -Infinity)) state.peakC = celsius;
    // The operating temperature of a warm engine: overheating is counted as episodes, not here.
    if (celsius >= COOLING.warmC && celsius <= COOLING.overheatC) {
      const previous = state.warmAverageC ?? celsius;
      state.warmAverageC = previous + COOLING.smoothing * (celsius - previous);
    }
  },
  renew(state, renewal) {
    Object.assign(state, cooling.initial(), { renewal, last: state.last, updatedAt: renewal.at });
  },
  assess(state, { now, usage, kmPerDay }) {
    const evidence: Evidence[] = [];
    let score = 100 - Math.min(60, state.episodes * 20);
    if (state.episodes > 0) {
      evidence.push({
        message: `${state.episodes} overheating episode(s) above ${COOLING.overheatC} °C${state.peakC !== null ? `, peak ${round(state.peakC)} °C` : ''}`,
        observedAt: state.lastEpisodeAt,
      });
    }
    if (state.warmAverageC !== null) {
      const warm = state.warmAverageC > COOLING.runsWarmC;
      if (warm) score -= (state.warmAverageC - COOLING.runsWarmC) * 4;
      evidence.push({
        message: `Warm engine averages ${round(state.warmAverageC)} °C (${warm ? 'running hot' : 'normal'}; about 90 °C expected)`,
        observedAt: state.last?.at ?? null,
      });
    }
    const current = state.last && usage.lastAt !== null && usage.lastAt - state.last.at <= COOLING.currentMs;
    if (state.inEpisode && current) {
      score = Math.min(score, 15);
      evidence.unshift({
        message: `Overheating now: coolant at ${round(state.last!.celsius)} °C`,
        observedAt: state.last!.at,
      });
    }
    if (evidence.length === 0) evidence.push({ message: 'No coolant temperature reported yet', observedAt: null });
    const since = state.renewal.at ?? usage.firstAt ?? now;
    const remainingDays = Math.max(0, COOLING.serviceIntervalDays - (now - since) / DAY_MS);
    return {
      part: 'COOLING_SYSTEM',
      name: 'Cooling system',
      ...scored(score),
      remainingKm: round(remainingDays * kmPerDay, 0),
      remainingDays: round(remainingDays, 0),
      confidence: state.last ? (state.renewal.at === null ? 0.4 : 0.6) : 0.1,
      evidence,
      updatedAt: state.updatedAt,
    };
  },
};
