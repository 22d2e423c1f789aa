import type { TriggerKind } from './categories.js';

/** A routine that runs every day at a fixed UTC wall-clock time. */
export interface DailyRoutine {
  kind: TriggerKind;
  /** "HH:MM", 24-hour, UTC. */
  at: string;
}

export const DEFAULT_ROUTINES: readonly DailyRoutine[] = [
  { kind: 'morning_routine', at: '07:00' },
  { kind: 'evening_routine', at: '19:00' },
];

const DAY_MS = 24 * 60 * 60 * 1000;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after UTC midnight; throws on anything that is not a valid "HH:MM". */
export function parseDailyTime(at: string): number {
  const match = TIME.exec(at);
  if (!match) throw new RangeError(`Invalid daily time "${at}": expected HH:MM in 24-hour UTC`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The first occurrence strictly after `now` (epoch ms). */
export function nextDailyFire(at: string, now: number): number {
  const offset = parseDailyTime(at) * 60_000;
  const midnight = Math.floor(now / DAY_MS) * DAY_MS;
  const today = midnight + offset;
  return today > now ? today : today + DAY_MS;
}

/** The latest occurrence at or before `now`. */
export function previousDailyFire(at: string, now: number): number {
  return nextDailyFire(at, now) - DAY_MS;
}

export interface ScheduledRun {
  kind: TriggerKind;
  at: number;
  /** One key per routine per day, so a run is recorded once whichever instance ticks. */
  dedupKey: string;
}

function run(routine: DailyRoutine, at: number): ScheduledRun {
  return { kind: routine.kind, at, dedupKey: `${routine.kind}:${new Date(at).toISOString().slice(0, 10)}` };
}

/**
 * Routines whose time fell in (since, now]. A tick after a pause runs each missed routine
 * once (its latest occurrence), not once per missed day.
 */
export function dueRoutines(routines: readonly DailyRoutine[], since: number, now: number): ScheduledRun[] {
  const due: ScheduledRun[] = [];
  for (const routine of routines) {
    const at = previousDailyFire(routine.at, now);
    if (at > since && at <= now) due.push(run(routine, at));
  }
  return due.sort((a, b) => a.at - b.at);
}

/** Validates a configured list up front, so a typo stops start-up instead of a silent skip. */
export function validateRoutines(routines: readonly DailyRoutine[]): DailyRoutine[] {
  for (const r of routines) parseDailyTime(r.at);
  return [...routines];
}
