import { bookableSlots } from '../availability/slots.js';
import { openIntervals } from '../centres/opening-hours.js';
import type { SlotRule } from './booking.service.js';

/** How far ahead a booking may be made: a year, so a yearly service can be booked at the last one. */
export const MAX_BOOKING_AHEAD_DAYS = 366;

/**
 * A start is bookable when availability would offer it with every bay free: inside one opening
 * interval in the centre's zone (closures and DST applied), whole, on the slot grid. Whether a
 * bay is free is the slot claim's to decide, atomically, so held bookings are left out here.
 */
export const bookableStart: SlotRule = (centre, durationMinutes, start, now) => {
  if (start.getTime() - now.getTime() > MAX_BOOKING_AHEAD_DAYS * 86_400_000)
    return `slotStart is more than ${MAX_BOOKING_AHEAD_DAYS} days ahead`;
  const end = new Date(start.getTime() + durationMinutes * 60_000);
  const slots = bookableSlots({
    intervals: openIntervals(centre, start, end),
    durationMinutes,
    bays: 1,
    held: [],
    from: start,
    to: end,
    now,
  });
  return slots.some((s) => s.start.getTime() === start.getTime())
    ? null
    : 'slotStart is not a bookable slot: the centre is closed then, or it is off the slot grid (see availability)';
};
