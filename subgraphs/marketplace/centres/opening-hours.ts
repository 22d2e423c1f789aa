import { DateTime } from 'luxon';
import { Weekday, type Closure, type OpeningHours } from './centre.type.js';

/*
 * Weekly opening hours and closures, in the centre's own time zone, turned into instants.
 * Local times go through luxon, so a day on which the clocks change has its real length: an
 * interval from 01:00 to 04:00 lasts two hours on the spring-forward night and four on the
 * fall-back night in Europe/London, and the same 09:00 is 08:00Z in summer and 09:00Z in winter.
 */

export const WEEKDAYS: Weekday[] = [
  Weekday.MONDAY,
  Weekday.TUESDAY,
  Weekday.WEDNESDAY,
  Weekday.THURSDAY,
  Weekday.FRIDAY,
  Weekday.SATURDAY,
  Weekday.SUNDAY,
];

/** Minutes since local midnight of "HH:MM" (00:00 to 24:00), or null. */
export function parseClock(value: string): number | null {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(value);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 24 * 60 ? minutes : null;
}

export interface Schedule {
  timezone: string;
  openingHours: OpeningHours[];
  closures: Closure[];
}

export interface Interval {
  start: Date;
  end: Date;
}

const isClosed = (date: string, closures: readonly Closure[]) => closures.some((c) => c.from <= date && date <= c.to);

/**
 * The instant of a local wall time on `day`. A time the clocks skip (in a spring-forward gap)
 * happens when they skip it: at the transition, when the wall clock jumps past it. A time the
 * clocks show twice (fall-back) is its first showing.
 */
function localInstant(day: DateTime, minutes: number): DateTime {
  const hour = Math.floor((minutes % 1440) / 60);
  const minute = minutes % 60;
  const dt = day
    .startOf('day')
    .plus({ days: Math.floor(minutes / 1440) })
    .set({ hour, minute });
  if (dt.hour === hour && dt.minute === minute) return dt;
  // luxon moved it forward by the gap: the transition lies within the gap before it, on a minute.
  const after = dt.offset;
  let lo = dt.toMillis() - (after - dt.minus({ hours: 6 }).offset) * 60_000;
  let hi = dt.toMillis();
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (DateTime.fromMillis(mid, { zone: day.zone }).offset === after) hi = mid;
    else lo = mid;
  }
  return DateTime.fromMillis(hi, { zone: day.zone });
}

/** The opening intervals (instants) of every local day that overlaps [from, to), in order. */
export function openIntervals(schedule: Schedule, from: Date, to: Date): Interval[] {
  const zone = schedule.timezone;
  const intervals: Interval[] = [];
  const last = DateTime.fromJSDate(to, { zone }).startOf('day');
  for (
    let day = DateTime.fromJSDate(from, { zone }).startOf('day');
    day <= last;
    day = day.plus({ days: 1 }).startOf('day')
  ) {
    if (isClosed(day.toISODate()!, schedule.closures)) continue;
    const weekday = WEEKDAYS[day.weekday - 1];
    const todays = schedule.openingHours
      .filter((h) => h.day === weekday)
      .map((h) => [parseClock(h.opens)!, parseClock(h.closes)!] as const)
      .sort((a, b) => a[0] - b[0]);
    for (const [opens, closes] of todays) {
      const start = localInstant(day, opens).toJSDate();
      const end = localInstant(day, closes).toJSDate();
      if (end > start && end > from && start < to) intervals.push({ start, end });
    }
  }
  return intervals;
}

/** Whether the centre is open at `at`, by its hours and closures in its own zone. */
export function isOpenAt(schedule: Schedule, at: Date): boolean {
  return openIntervals(schedule, at, new Date(at.getTime() + 1)).some((i) => i.start <= at && at < i.end);
}

/**
 * `isOpenAt` for many centres at one instant: the instant's local day is worked out once per time
 * zone, and each local opening or closing time once per zone and day, so a search over
 * thousands of centres (which share a few zones and times) costs a few comparisons each.
 */
export function openAtChecker(at: Date): (schedule: Schedule) => boolean {
  const time = at.getTime();
  const days = new Map<string, { day: DateTime; date: string; weekday: Weekday }>();
  const instants = new Map<string, number>();
  const dayIn = (zone: string) => {
    let found = days.get(zone);
    if (!found) {
      const day = DateTime.fromJSDate(at, { zone }).startOf('day');
      found = { day, date: day.toISODate()!, weekday: WEEKDAYS[day.weekday - 1]! };
      days.set(zone, found);
    }
    return found;
  };
  const instant = (zone: string, day: DateTime, clock: string) => {
    const key = `${zone} ${clock}`;
    let found = instants.get(key);
    if (found === undefined) {
      found = localInstant(day, parseClock(clock)!).toMillis();
      instants.set(key, found);
    }
    return found;
  };
  return (schedule) => {
    const { day, date, weekday } = dayIn(schedule.timezone);
    if (isClosed(date, schedule.closures)) return false;
    return schedule.openingHours.some(
      (h) =>
        h.day === weekday &&
        instant(schedule.timezone, day, h.opens) <= time &&
        time < instant(schedule.timezone, day, h.closes),
    );
  };
}
