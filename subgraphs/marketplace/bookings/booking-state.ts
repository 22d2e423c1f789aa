/**
 * The booking lifecycle as a pure function, so every rule about who may move a booking where,
 * and when, is decided (and tested) in one place; the store then applies the move with a
 * condition on the status it was decided from, so a concurrent move cannot slip in between.
 *
 *   REQUESTED ──confirm──▶ CONFIRMED ──start──▶ IN_PROGRESS ──complete──▶ COMPLETED
 *       │  └──decline──▶ DECLINED        │  └──noShow (slot begun)──▶ NO_SHOW
 *       └──cancel──▶ CANCELLED ◀──cancel──┘
 *
 * A customer cancels only before the cutoff (so a centre is not left with an empty bay it could
 * have filled); a partner cancels at any time before work starts, with a reason.
 */

import { BOOKING_STATUSES } from '../contract.js';

export { BOOKING_STATUSES };
export type BookingStatusName = (typeof BOOKING_STATUSES)[number];

/** Statuses in which a booking keeps its bay: the slot is not available to anyone else. */
export const HOLDING_STATUSES: readonly BookingStatusName[] = ['REQUESTED', 'CONFIRMED', 'IN_PROGRESS'];

export const isHolding = (status: BookingStatusName) => HOLDING_STATUSES.includes(status);

export type BookingAction = 'confirm' | 'decline' | 'start' | 'complete' | 'cancel' | 'noShow' | 'reschedule';

/** Who is acting on the booking: its customer or a member of its centre. */
export type BookingActor = 'customer' | 'partner';

export interface TransitionContext {
  status: BookingStatusName;
  actor: BookingActor;
  slotStart: Date;
  now: Date;
  /** Customers may cancel or reschedule only this long before the slot starts. */
  customerCutoffMs: number;
}

export type TransitionResult =
  { ok: true; to: BookingStatusName } | { ok: false; reason: 'FORBIDDEN' | 'CONFLICT'; message: string };

const MOVES: Record<BookingAction, { from: readonly BookingStatusName[]; to: BookingStatusName; by: BookingActor[] }> =
  {
    confirm: { from: ['REQUESTED'], to: 'CONFIRMED', by: ['partner'] },
    decline: { from: ['REQUESTED'], to: 'DECLINED', by: ['partner'] },
    start: { from: ['CONFIRMED'], to: 'IN_PROGRESS', by: ['partner'] },
    complete: { from: ['IN_PROGRESS'], to: 'COMPLETED', by: ['partner'] },
    cancel: { from: ['REQUESTED', 'CONFIRMED'], to: 'CANCELLED', by: ['customer', 'partner'] },
    noShow: { from: ['CONFIRMED'], to: 'NO_SHOW', by: ['partner'] },
    // A moved booking needs the centre's confirmation again: the new slot was never agreed.
    reschedule: { from: ['REQUESTED', 'CONFIRMED'], to: 'REQUESTED', by: ['customer'] },
  };

/** Decides whether `actor` may apply `action` now, and the status it leads to. */
export function transition(action: BookingAction, ctx: TransitionContext): TransitionResult {
  const move = MOVES[action];
  if (!move.by.includes(ctx.actor)) {
    return { ok: false, reason: 'FORBIDDEN', message: `Only the ${move.by.join(' or ')} may ${describe(action)}` };
  }
  if (!move.from.includes(ctx.status)) {
    return { ok: false, reason: 'CONFLICT', message: `A ${ctx.status} booking cannot be ${pastTense(action)}` };
  }
  if (action === 'noShow' && ctx.now.getTime() < ctx.slotStart.getTime()) {
    return { ok: false, reason: 'CONFLICT', message: 'A booking is a no-show only once its slot has begun' };
  }
  if (
    ctx.actor === 'customer' &&
    (action === 'cancel' || action === 'reschedule') &&
    ctx.slotStart.getTime() - ctx.now.getTime() < ctx.customerCutoffMs
  ) {
    const hours = Math.round((ctx.customerCutoffMs / 3_600_000) * 10) / 10;
    return {
      ok: false,
      reason: 'CONFLICT',
      message: `Bookings can be ${pastTense(action)} by the customer only up to ${hours} h before the slot; contact the centre`,
    };
  }
  return { ok: true, to: move.to };
}

function describe(action: BookingAction): string {
  return action === 'noShow' ? 'mark a no-show' : `${action} a booking`;
}

function pastTense(action: BookingAction): string {
  switch (action) {
    case 'confirm':
      return 'confirmed';
    case 'decline':
      return 'declined';
    case 'start':
      return 'started';
    case 'complete':
      return 'completed';
    case 'cancel':
      return 'cancelled';
    case 'noShow':
      return 'marked a no-show';
    case 'reschedule':
      return 'rescheduled';
  }
}
