import {
  distanceKm,
  engineRunningSeconds,
  harshStep,
  joined,
  MAX_GAP_MS,
  startsEvent,
  type Point,
} from '../../../platform/driving/driving-model.js';
import { DAY_MS } from '../parts/part.js';
import { engineStateOf, type EngineState } from './engine-state.js';
import type { Sample } from './sample.js';

export interface Latest {
  value: number;
  at: number;
}

/** How the vehicle has been used since health started tracking it. */
export interface UsageState {
  firstAt: number | null;
  lastAt: number | null;
  distanceKm: number;
  revolutions: number;
  engineSeconds: number;
  harshBrakes: number;
  /** Inside a hard deceleration that was already counted (one stop is one event). */
  braking: boolean;
  latest: Partial<Record<'rpm' | 'speed' | 'coolant' | 'oilTemp', Latest>>;
  /** The engine run in progress. */
  run: { startedAt: number; lastAt: number; maxCoolant: number | null } | null;
}

/** What one sample added. */
export interface UsageDelta {
  engine: EngineState;
  km: number;
  revolutions: number;
  /** Revolutions turned with hot oil (counted again by the oil model). */
  hotRevolutions: number;
  harshBrakes: number;
  /** A run that ended with this sample. */
  endedRun: { durationMs: number; maxCoolant: number | null } | null;
}

const HOT_OIL_C = 110;
const HOT_COOLANT_C = 105;
const HOT_VALID_MS = 120_000;

export const initialUsage = (): UsageState => ({
  firstAt: null,
  lastAt: null,
  distanceKm: 0,
  revolutions: 0,
  engineSeconds: 0,
  harshBrakes: 0,
  braking: false,
  latest: {},
  run: null,
});

const isNewer = (latest: Latest | undefined, at: number) => !latest || at > latest.at;

/**
 * Folds one sample into the usage counters, by the shared driving model: each signal is
 * integrated from its previous value when the two are joined (at most MAX_GAP_MS apart); a value
 * measured before the newest one already seen (a late upload) integrates nothing, so replays and
 * reordering never count a kilometre twice.
 */
export function observeUsage(state: UsageState, sample: Sample): UsageDelta {
  const { at, values } = sample;
  const engine = engineStateOf(sample, state.latest.rpm ?? null);
  const delta: UsageDelta = { engine, km: 0, revolutions: 0, hotRevolutions: 0, harshBrakes: 0, endedRun: null };

  const speed = values.speed;
  if (speed !== undefined && isNewer(state.latest.speed, at)) {
    const previous = state.latest.speed;
    const point: Point = { value: speed, at };
    if (previous) {
      delta.km = distanceKm(previous, point);
      const { braking } = harshStep(previous, point);
      if (startsEvent(state.braking, braking)) delta.harshBrakes = 1;
      state.braking = braking;
    }
    state.latest.speed = point;
  }

  const rpm = values.rpm;
  if (rpm !== undefined && isNewer(state.latest.rpm, at)) {
    const previous = state.latest.rpm;
    const point: Point = { value: rpm, at };
    if (previous && joined(previous, point)) {
      delta.revolutions = (((previous.value + rpm) / 2) * (at - previous.at)) / 60_000;
      state.engineSeconds += engineRunningSeconds(previous, point);
    }
    state.latest.rpm = point;
  }

  for (const key of ['coolant', 'oilTemp'] as const) {
    const value = values[key];
    if (value !== undefined && isNewer(state.latest[key], at)) state.latest[key] = { value, at };
  }
  if (delta.revolutions > 0 && runsHot(state, at)) delta.hotRevolutions = delta.revolutions;

  if (state.lastAt === null || at > state.lastAt) delta.endedRun = trackRun(state, engine, at, values.coolant);

  state.distanceKm += delta.km;
  state.revolutions += delta.revolutions;
  state.harshBrakes += delta.harshBrakes;
  state.firstAt = state.firstAt === null ? at : Math.min(state.firstAt, at);
  state.lastAt = state.lastAt === null ? at : Math.max(state.lastAt, at);
  return delta;
}

function runsHot(state: UsageState, at: number): boolean {
  const fresh = (latest: Latest | undefined) => latest && at - latest.at <= HOT_VALID_MS;
  const { oilTemp, coolant } = state.latest;
  if (fresh(oilTemp)) return oilTemp!.value > HOT_OIL_C;
  return Boolean(fresh(coolant) && coolant!.value > HOT_COOLANT_C);
}

/** Starts, extends or ends the engine run; returns the run that ended, if one did. */
function trackRun(state: UsageState, engine: EngineState, at: number, coolant: number | undefined) {
  const run = state.run;
  // A hole in the data that the driving model does not bridge ends the run.
  const stale = run !== null && at - run.lastAt > MAX_GAP_MS;
  let ended: UsageDelta['endedRun'] = null;
  if (run && (engine === 'off' || stale)) {
    ended = { durationMs: run.lastAt - run.startedAt, maxCoolant: run.maxCoolant };
    state.run = null;
  }
  if (engine === 'running') {
    if (!state.run) state.run = { startedAt: at, lastAt: at, maxCoolant: null };
    state.run.lastAt = at;
    if (coolant !== undefined) state.run.maxCoolant = Math.max(state.run.maxCoolant ?? coolant, coolant);
  }
  return ended;
}

/** Kilometres per day over the tracked period; a default (flagged) until a day of data exists. */
export function drivingRate(usage: UsageState): { kmPerDay: number; measured: boolean } {
  const days = usage.firstAt !== null && usage.lastAt !== null ? (usage.lastAt - usage.firstAt) / DAY_MS : 0;
  if (days < 1 || usage.distanceKm <= 0) return { kmPerDay: TYPICAL_KM_PER_DAY, measured: false };
  return { kmPerDay: usage.distanceKm / days, measured: true };
}

/** About 15,000 km a year, the usual assumption for a private car. */
export const TYPICAL_KM_PER_DAY = 40;
