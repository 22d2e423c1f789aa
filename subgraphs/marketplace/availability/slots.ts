import type { Interval } from '../centres/opening-hours.js';

/** The longest availability window asked for at once. */
export const MAX_WINDOW_DAYS = 14;

/**
 * Slot starts step by the service's duration up to this many minutes, then by this: a 20-minute
 * job is offered at 08:00, 08:20, ...; a 90-minute one at 08:00, 08:30, ... (overlapping slots,
 * each a possible booking). Starts stay on opening time plus multiples of 5 minutes, the grid
 * bookings claim bays on.
 */
export const MAX_STEP_MINUTES = 30;

/** A booking that holds a bay: `bay` when it holds a given one, null when only a count is known. */
export interface HeldSlot {
  start: Date;
  end: Date;
  bay: number | null;
}

export interface SlotRequest {
  /** The centre's opening intervals over the window (opening-hours.ts, closures applied). */
  intervals: readonly Interval[];
  durationMinutes: number;
  bays: number;
  held: readonly HeldSlot[];
  from: Date;
  to: Date;
  /** Slots starting at or before this are past. */
  now: Date;
}

const overlaps = (a: { start: Date; end: Date }, start: number, end: number) =>
  a.start.getTime() < end && start < a.end.getTime();

/** The most of `held` that overlap one another at any instant within [start, end). */
function peakOverlap(held: readonly HeldSlot[], start: number, end: number): number {
  const edges: [number, number][] = [];
  for (const h of held) {
    if (!overlaps(h, start, end)) continue;
    edges.push([Math.max(start, h.start.getTime()), 1], [Math.min(end, h.end.getTime()), -1]);
  }
  // Ends before starts at the same instant: back-to-back bookings do not overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of edges) peak = Math.max(peak, (current += delta));
  return peak;
}

/** Whether one more booking of [start, end) fits: a bay free throughout, after the unassigned holds. */
function fits(request: SlotRequest, start: number, end: number): boolean {
  const busyBays = new Set<number>();
  const unassigned: HeldSlot[] = [];
  for (const h of request.held) {
    if (!overlaps(h, start, end)) continue;
    if (h.bay !== null && h.bay >= 0 && h.bay < request.bays) busyBays.add(h.bay);
    else unassigned.push(h);
  }
  return request.bays - busyBays.size > peakOverlap(unassigned, start, end);
}

/**
 * The bookable slots of one service within [from, to): each inside one opening interval, whole
 * (start and end), in the future, with a bay free for its whole length. Pure: the caller reads
 * the centre, the service and the held bookings.
 */
export function bookableSlots(request: SlotRequest): Interval[] {
  const duration = request.durationMinutes * 60_000;
  const step = Math.min(request.durationMinutes, MAX_STEP_MINUTES) * 60_000;
  const from = request.from.getTime();
  const to = request.to.getTime();
  const now = request.now.getTime();
  const slots: Interval[] = [];
  for (const interval of request.intervals) {
    const close = interval.end.getTime();
    for (let start = interval.start.getTime(); start + duration <= close; start += step) {
      const end = start + duration;
      if (start < from || end > to || start <= now) continue;
      if (fits(request, start, end)) slots.push({ start: new Date(start), end: new Date(end) });
    }
  }
  return slots;
}
