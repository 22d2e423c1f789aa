import { clamp, DAY_MS, interpolate, round, scored, type Evidence } from './part.js';
import { NOT_RENEWED, newest, type PartModel, type Renewal } from './part-model.js';

/**
 * The 12 V battery, from PID 42 (control module voltage) read in three situations: at rest
 * (state of charge: 12.6 V full, 12.2 V half, below 12.0 V discharged), while the starter turns
 * (a healthy battery stays above about 9.6-10 V) and while the engine runs (the alternator
 * should hold 13.7-14.7 V).
 */
export const BATTERY = {
  healthyRestingV: 12.4,
  weakCrankingV: 9.6,
  chargingRange: [13.7, 14.7] as const,
  notChargingV: 13.2,
  overchargingV: 15.0,
  expectedLifeDays: 5 * 365,
  /** Running values are smoothed: one noisy sample must not flip the verdict. */
  smoothing: 0.3,
} as const;

interface Measured {
  volts: number;
  at: number;
}

export interface BatteryState {
  renewal: Renewal;
  resting: Measured | null;
  cranking: Measured | null;
  charging: Measured | null;
  updatedAt: number | null;
}

/** A flat battery is POOR (it may not start the car); only a dead one, near 10.5 V, is CRITICAL. */
const RESTING_SCORE: [number, number][] = [
  [10.5, 10],
  [11.0, 25],
  [11.5, 30],
  [11.8, 40],
  [12.0, 50],
  [12.2, 65],
  [12.4, 80],
  [12.6, 100],
];

export type ChargingVerdict = 'healthy' | 'low' | 'not charging' | 'high' | 'overcharging';

export function chargingVerdict(volts: number): ChargingVerdict {
  const [low, high] = BATTERY.chargingRange;
  if (volts < BATTERY.notChargingV) return 'not charging';
  if (volts < low) return 'low';
  if (volts > BATTERY.overchargingV) return 'overcharging';
  if (volts > high) return 'high';
  return 'healthy';
}

const v = (volts: number) => `${round(volts, 2)} V`;

export const battery: PartModel<BatteryState> = {
  part: 'BATTERY',
  name: '12 V battery',
  initial: () => ({ renewal: NOT_RENEWED, resting: null, cranking: null, charging: null, updatedAt: null }),
  observe(state, { sample, delta }) {
    const volts = sample.values.voltage;
    if (volts === undefined) return;
    const at = sample.at;
    const fresher = (m: Measured | null) => !m || at > m.at;
    if (delta.engine === 'off' && fresher(state.resting)) state.resting = { volts, at };
    else if (delta.engine === 'cranking' && fresher(state.cranking)) state.cranking = { volts, at };
    else if (delta.engine === 'running' && fresher(state.charging)) {
      const previous = state.charging?.volts ?? volts;
      state.charging = { volts: previous + BATTERY.smoothing * (volts - previous), at };
    } else return;
    state.updatedAt = newest(state.updatedAt, at);
  },
  renew(state, renewal) {
    // A new battery says nothing yet about the alternator: keep the charging reading.
    Object.assign(state, { renewal, resting: null, cranking: null, updatedAt: renewal.at });
  },
  assess(state, { now, kmPerDay }) {
    const evidence: Evidence[] = [];
    let score = 85;
    let confidence = 0.2;
    if (state.resting) {
      score = interpolate(state.resting.volts, RESTING_SCORE);
      confidence = 0.6;
      const healthy = state.resting.volts >= BATTERY.healthyRestingV;
      evidence.push({
        message: `Resting voltage ${v(state.resting.volts)}: ${healthy ? 'well charged' : 'low'} (healthy at or above ${BATTERY.healthyRestingV} V)`,
        observedAt: state.resting.at,
      });
    }
    if (state.cranking) {
      const weak = state.cranking.volts < BATTERY.weakCrankingV;
      if (weak) score -= 25;
      else if (state.cranking.volts < 10) score -= 10;
      confidence = Math.max(confidence, 0.5);
      evidence.push({
        message: `Voltage dipped to ${v(state.cranking.volts)} while cranking: ${weak ? 'weak' : 'normal'} (weak below ${BATTERY.weakCrankingV} V)`,
        observedAt: state.cranking.at,
      });
    }
    if (state.charging) {
      const verdict = chargingVerdict(state.charging.volts);
      if (verdict === 'not charging' || verdict === 'overcharging') score = Math.min(score, 30);
      else if (verdict !== 'healthy') score -= 15;
      confidence = Math.max(confidence, 0.4);
      const [low, high] = BATTERY.chargingRange;
      evidence.push({
        message: `Charging at ${v(state.charging.volts)} while the engine runs: ${verdict} (${low}-${high} V expected)`,
        observedAt: state.charging.at,
      });
    }
    const ageDays = state.renewal.at === null ? null : Math.max(0, (now - state.renewal.at) / DAY_MS);
    if (ageDays !== null) {
      const years = ageDays / 365;
      if (years > 4) score -= (years - 4) * 15;
      evidence.push({ message: `Battery fitted ${Math.floor(ageDays)} day(s) ago`, observedAt: state.renewal.at });
    } else {
      evidence.push({ message: 'No battery replacement recorded: its age is unknown', observedAt: null });
    }
    const result = scored(score);
    // Life left: what age leaves of a typical five years, shortened by what the voltages say.
    const byAge = ageDays === null ? BATTERY.expectedLifeDays * 0.5 : BATTERY.expectedLifeDays - ageDays;
    const remainingDays = Math.max(0, Math.min(byAge, (byAge * clamp(result.score - 20, 0, 80)) / 60));
    return {
      part: 'BATTERY',
      name: '12 V battery',
      ...result,
      remainingKm: round(remainingDays * kmPerDay, 0),
      remainingDays: round(remainingDays, 0),
      confidence: ageDays === null ? Math.min(confidence, 0.5) : confidence,
      evidence,
      updatedAt: state.updatedAt,
    };
  },
};
