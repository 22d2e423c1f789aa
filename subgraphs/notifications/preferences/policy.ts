import { DateTime } from 'luxon';
import {
  CATEGORIES,
  INTERRUPTING_CHANNELS,
  type Category,
  type ChannelName,
  type Locale,
  type NotificationSeverity,
} from '../vocabulary.js';

/** Local times of day, "HH:mm", in the user's time zone; `start` > `end` spans midnight. */
export interface QuietHours {
  start: string;
  end: string;
}

export interface Preferences {
  /** Channels on, per category. */
  channels: Record<Category, ChannelName[]>;
  quietHours: QuietHours | null;
  /** IANA zone, such as "Asia/Dubai". */
  timeZone: string;
  locale: Locale;
  /** E.164 number for SMS; no SMS without one. */
  smsNumber: string | null;
}

/**
 * What a user gets before touching anything: safety everywhere they can be reached, bookings
 * and receipts in the app, by push and email, marketing nowhere (opt-in only).
 */
export const DEFAULT_PREFERENCES: Preferences = {
  channels: {
    SAFETY: ['IN_APP', 'PUSH', 'EMAIL', 'SMS'],
    BOOKINGS: ['IN_APP', 'PUSH', 'EMAIL'],
    ORDERS_PAYMENTS: ['IN_APP', 'PUSH', 'EMAIL'],
    MARKETING: [],
  },
  quietHours: null,
  timeZone: 'UTC',
  locale: 'en',
  smsNumber: null,
};

export const isValidTimeZone = (zone: string) => DateTime.local().setZone(zone).isValid;
export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

/** CRITICAL safety alerts go through quiet hours and hourly caps: a boiling engine does not wait for morning. */
export const isUrgent = (category: Category, severity: NotificationSeverity) =>
  category === 'SAFETY' && severity === 'CRITICAL';

/** The channels a notification of `category` goes to for this user. */
export function channelsFor(prefs: Preferences, category: Category): ChannelName[] {
  const on = prefs.channels[category] ?? [];
  return on.filter((c) => c !== 'SMS' || prefs.smsNumber !== null);
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When a delivery on `channel` may go out, given quiet hours: null for now, else the end of the
 * quiet period it falls in (as an instant). The in-app feed never waits (it interrupts nobody);
 * urgent ones never wait.
 */
export function quietUntil(
  prefs: Pick<Preferences, 'quietHours' | 'timeZone'>,
  now: Date,
  channel: ChannelName,
  category: Category,
  severity: NotificationSeverity,
): Date | null {
  const quiet = prefs.quietHours;
  if (!quiet || !INTERRUPTING_CHANNELS.includes(channel) || isUrgent(category, severity)) return null;
  const local = DateTime.fromJSDate(now, { zone: isValidTimeZone(prefs.timeZone) ? prefs.timeZone : 'UTC' });
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  // The end today, or tomorrow when it is past (a window over midnight, seen before midnight).
  let until = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  if (until <= local) until = until.plus({ days: 1 });
  return until.toJSDate();
}

export const allCategories = () => [...CATEGORIES];
