/**
 * The roadside request lifecycle as a pure function: who may move a request where is decided
 * (and tested) here; the store then applies the move with a condition on the status it was
 * decided from, so two concurrent moves (two partners accepting, a driver cancelling while a
 * partner accepts) cannot both win.
 *
 *   REQUESTED ─offer─▶ OFFERED ─accept─▶ ACCEPTED ─locate─▶ EN_ROUTE ─arrive─▶ ARRIVED ─complete─▶ COMPLETED
 *       │                │  ▲ offer (next wave)   └──────────arrive──────────────▲
 *       │                │  └─┘
 *       └────exhaust─────┴──exhaust──▶ UNANSWERED (staff alerted)
 *   REQUESTED, OFFERED, ACCEPTED, EN_ROUTE, ARRIVED ─cancel (driver)─▶ CANCELLED
 *
 * `offer` and `exhaust` are the wave job's (the system's); a partner accepts only an offer made
 * to one of their centres (the service checks that, in the same conditional update).
 */

import { ROADSIDE_KINDS, ROADSIDE_STATUSES } from '../contract.js';

export { ROADSIDE_KINDS, ROADSIDE_STATUSES };
export type RoadsideStatusName = (typeof ROADSIDE_STATUSES)[number];
export type RoadsideKindName = (typeof ROADSIDE_KINDS)[number];

/** A responder is on the case: their centre's members read the vehicle's readings, codes and alerts. */
export const RESPONDING_STATUSES: readonly RoadsideStatusName[] = ['ACCEPTED', 'EN_ROUTE', 'ARRIVED'];
/** Still waiting for a responder: the wave job looks after these. */
export const WAITING_STATUSES: readonly RoadsideStatusName[] = ['REQUESTED', 'OFFERED'];
export const FINAL_STATUSES: readonly RoadsideStatusName[] = ['COMPLETED', 'CANCELLED', 'UNANSWERED'];

export type RoadsideAction = 'offer' | 'exhaust' | 'accept' | 'locate' | 'arrive' | 'complete' | 'cancel';
/** The driver who asked, a member of the responding (or offered) centre, or the wave job. */
export type RoadsideActor = 'driver' | 'partner' | 'system';

export type RoadsideTransition =
  { ok: true; to: RoadsideStatusName } | { ok: false; reason: 'FORBIDDEN' | 'CONFLICT'; message: string };

const MOVES: Record<
  RoadsideAction,
  { from: readonly RoadsideStatusName[]; to: (from: RoadsideStatusName) => RoadsideStatusName; by: RoadsideActor }
> = {
  offer: { from: WAITING_STATUSES, to: () => 'OFFERED', by: 'system' },
  exhaust: { from: WAITING_STATUSES, to: () => 'UNANSWERED', by: 'system' },
  accept: { from: ['OFFERED'], to: () => 'ACCEPTED', by: 'partner' },
  // The first position the responder sends says they are on their way; later ones keep the status.
  locate: { from: RESPONDING_STATUSES, to: (from) => (from === 'ACCEPTED' ? 'EN_ROUTE' : from), by: 'partner' },
  arrive: { from: ['ACCEPTED', 'EN_ROUTE'], to: () => 'ARRIVED', by: 'partner' },
  complete: { from: ['ARRIVED'], to: () => 'COMPLETED', by: 'partner' },
  cancel: { from: ['REQUESTED', 'OFFERED', ...RESPONDING_STATUSES], to: () => 'CANCELLED', by: 'driver' },
};

/** Decides whether `actor` may apply `action` to a request in `status`, and the status it leads to. */
export function roadsideTransition(
  action: RoadsideAction,
  status: RoadsideStatusName,
  actor: RoadsideActor,
): RoadsideTransition {
  const move = MOVES[action];
  if (move.by !== actor) {
    const who = move.by === 'system' ? 'the offer waves' : move.by === 'driver' ? 'the driver' : 'the responder';
    return { ok: false, reason: 'FORBIDDEN', message: `Only ${who} may ${action} a roadside request` };
  }
  if (!move.from.includes(status)) {
    const message =
      action === 'accept' && RESPONDING_STATUSES.concat(['COMPLETED']).includes(status)
        ? 'This roadside request was already taken by another centre'
        : `A ${status} roadside request cannot be ${PAST[action]}`;
    return { ok: false, reason: 'CONFLICT', message };
  }
  return { ok: true, to: move.to(status) };
}

const PAST: Record<RoadsideAction, string> = {
  offer: 'offered',
  exhaust: 'given up on',
  accept: 'accepted',
  locate: 'given a location',
  arrive: 'marked arrived',
  complete: 'completed',
  cancel: 'cancelled',
};
