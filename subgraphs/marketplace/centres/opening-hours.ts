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

/** The instant of a local wall time; a time in a spring-forward gap moves forward by the gap. */
function localInstant(day: DateTime, minutes: number): DateTime {
  return day
    .startOf('day')
    .plus({ days: Math.floor(minutes / 1440) })
    .set({
      hour: Math.floor((minutes % 1440) / 60),
      minute: minutes % 60,
    });
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
