import { codesMatching, type DtcState } from '../observations/dtc-state.js';
import { DAY_MS, round, scored, type Evidence } from './part.js';
import { daysFor, kmSince, newest, NOT_RENEWED, type PartModel, type Renewal } from './part-model.js';

/** P0300 random misfire, P0301-P0312 cylinder 1-12 misfire. */
export const MISFIRE_CODES = /^P03(0\d|1[0-2])$/;

export const IGNITION = { sparkPlugLifeKm: 60_000, recentEpisodeDays: 30 } as const;

export interface IgnitionState {
  renewal: Renewal;
  /** Times a misfire code appeared (a new episode each time the set goes from none to some). */
  episodes: number;
  lastEpisodeAt: number | null;
  misfiring: boolean;
  updatedAt: number | null;
}

export const ignition: PartModel<IgnitionState> = {
  part: 'IGNITION',
  name: 'Ignition',
  initial: () => ({ renewal: NOT_RENEWED, episodes: 0, lastEpisodeAt: null, misfiring: false, updatedAt: null }),
  onDtcs(state, dtcs, at) {
    const misfiring = codesMatching(dtcs, MISFIRE_CODES, true).length > 0;
    if (misfiring && !state.misfiring) {
      state.episodes += 1;
      state.lastEpisodeAt = at;
    }
    if (misfiring !== state.misfiring) state.updatedAt = newest(state.updatedAt, at);
    state.misfiring = misfiring;
  },
  renew(state, renewal) {
    Object.assign(state, { renewal, episodes: 0, lastEpisodeAt: null, updatedAt: renewal.at });
  },
  assess(state, { now, usage, dtcs, kmPerDay }) {
    const active = codesMatching(dtcs, MISFIRE_CODES);
    const pending = codesMatching(dtcs, MISFIRE_CODES, true).filter((c) => !active.includes(c));
    const km = kmSince(state.renewal, usage);
    const evidence: Evidence[] = [];
    let score = 100 - Math.min(20, km / 3000);
    let remainingKm = Math.max(0, IGNITION.sparkPlugLifeKm - km);
    if (active.length > 0) {
      score = active.includes('P0300') ? 30 : 45 - 5 * (active.length - 1);
      remainingKm = 0;
      evidence.push({ message: `Misfire code(s) active: ${active.join(', ')}`, observedAt: state.lastEpisodeAt });
    } else if (pending.length > 0) {
      score = Math.min(score, 70);
      evidence.push({ message: `Misfire code(s) pending: ${pending.join(', ')}`, observedAt: state.lastEpisodeAt });
    } else if (state.lastEpisodeAt !== null && now - state.lastEpisodeAt < IGNITION.recentEpisodeDays * DAY_MS) {
      score -= 10;
      evidence.push({ message: 'Misfires were reported in the last 30 days', observedAt: state.lastEpisodeAt });
    }
    evidence.push({
      message: `${round(km)} km on the spark plugs since ${state.renewal.at === null ? 'tracking started (none recorded)' : 'they were replaced'}`,
      observedAt: state.renewal.at,
    });
    return {
      part: 'IGNITION',
      name: 'Ignition',
      ...scored(score),
      remainingKm: round(remainingKm, 0),
      remainingDays: round(daysFor(remainingKm, kmPerDay) ?? 0, 0),
      confidence: active.length > 0 ? 0.8 : state.renewal.at === null ? 0.3 : 0.5,
      evidence,
      updatedAt: state.updatedAt,
    };
  },
};

export const misfireCodes = (dtcs: DtcState) => codesMatching(dtcs, MISFIRE_CODES);
