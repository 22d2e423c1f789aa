import type { Db } from 'mongodb';
import type { IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { HeldSlot } from '../availability/slots.js';

/*
 * What availability reads of bookings: the bookings collection, written by the bookings module
 * (subgraphs/marketplace/bookings/). A booking document must carry these fields:
 *
 *   centreId: string     the centre's id (hex)
 *   slotStart: Date      the slot it holds, [slotStart, slotEnd)
 *   slotEnd: Date
 *   status: string       one of BookingStatus; HELD_STATUSES hold a bay
 *   bay?: number | null  the bay (0-based) it holds, when it holds a given one
 *
 * and the bookings store must declare HELD_SLOT_INDEX among its indexes (it owns the
 * collection; this module only reads it).
 */
export const BOOKINGS_COLLECTION = 'bookings';

/** Booking states that keep a bay busy: asked for, agreed, or being worked on. */
export const HELD_STATUSES = ['REQUESTED', 'CONFIRMED', 'IN_PROGRESS'] as const;

/** Serves heldSlotsBetween: one centre's bookings by slot start. */
export const HELD_SLOT_INDEX: IndexDeclaration = { key: { centreId: 1, slotStart: 1 } };

/** No slot is longer than this (a service's longest duration), so a window's holds start after `from - MAX`. */
export const MAX_SLOT_MINUTES = 720;

interface HeldBookingFields {
  centreId: string;
  slotStart: Date;
  slotEnd: Date;
  status: string;
  bay?: number | null;
}

/**
 * The bookings that hold a bay of `centreId` at some instant of [from, to). The range on
 * slotStart (bounded below by the longest slot) keeps the read on the index, on MongoDB and on
 * the embedded database alike.
 */
export async function heldSlotsBetween(db: Db, centreId: string, from: Date, to: Date): Promise<HeldSlot[]> {
  const docs = await db
    .collection<HeldBookingFields>(BOOKINGS_COLLECTION)
    .find(
      {
        centreId: String(centreId),
        slotStart: { $gt: new Date(from.getTime() - MAX_SLOT_MINUTES * 60_000), $lt: to },
        status: { $in: [...HELD_STATUSES] },
      },
      { projection: { _id: 0, slotStart: 1, slotEnd: 1, bay: 1 } },
    )
    .toArray();
  return docs
    .filter((d) => d.slotEnd > from)
    .map((d) => ({ start: d.slotStart, end: d.slotEnd, bay: typeof d.bay === 'number' ? d.bay : null }));
}
