import { BOOKING_STATUSES, transition, type BookingAction, type BookingStatusName } from './booking-state.js';

const now = new Date('2026-03-01T10:00:00Z');
const HOUR = 3_600_000;
const inHours = (h: number) => new Date(now.getTime() + h * HOUR);
const ctx = (status: BookingStatusName, actor: 'customer' | 'partner', slotStart = inHours(48)) => ({
  status,
  actor,
  slotStart,
  now,
  customerCutoffMs: 2 * HOUR,
});

describe('booking state machine', () => {
  it('follows REQUESTED → CONFIRMED → IN_PROGRESS → COMPLETED for the partner', () => {
    expect(transition('confirm', ctx('REQUESTED', 'partner'))).toEqual({ ok: true, to: 'CONFIRMED' });
    expect(transition('start', ctx('CONFIRMED', 'partner'))).toEqual({ ok: true, to: 'IN_PROGRESS' });
    expect(transition('complete', ctx('IN_PROGRESS', 'partner'))).toEqual({ ok: true, to: 'COMPLETED' });
    expect(transition('decline', ctx('REQUESTED', 'partner'))).toEqual({ ok: true, to: 'DECLINED' });
  });

  it('refuses the customer every partner move (FORBIDDEN)', () => {
    for (const action of ['confirm', 'decline', 'start', 'complete', 'noShow'] as BookingAction[]) {
      expect(transition(action, ctx('REQUESTED', 'customer'))).toMatchObject({ ok: false, reason: 'FORBIDDEN' });
    }
    expect(transition('reschedule', ctx('REQUESTED', 'partner'))).toMatchObject({ ok: false, reason: 'FORBIDDEN' });
  });

  it('refuses moves that skip a step or leave a final state (CONFLICT)', () => {
    expect(transition('start', ctx('REQUESTED', 'partner'))).toMatchObject({ ok: false, reason: 'CONFLICT' });
    expect(transition('complete', ctx('CONFIRMED', 'partner'))).toMatchObject({ ok: false, reason: 'CONFLICT' });
    expect(transition('confirm', ctx('CONFIRMED', 'partner'))).toMatchObject({ ok: false, reason: 'CONFLICT' });
    for (const final of ['DECLINED', 'COMPLETED', 'CANCELLED', 'NO_SHOW'] as const) {
      for (const action of ['confirm', 'decline', 'start', 'complete', 'noShow'] as BookingAction[]) {
        expect(transition(action, ctx(final, 'partner'))).toMatchObject({ ok: false, reason: 'CONFLICT' });
      }
      expect(transition('cancel', ctx(final, 'customer'))).toMatchObject({ ok: false, reason: 'CONFLICT' });
      expect(transition('reschedule', ctx(final, 'customer'))).toMatchObject({ ok: false, reason: 'CONFLICT' });
    }
    expect(transition('cancel', ctx('IN_PROGRESS', 'partner'))).toMatchObject({ ok: false, reason: 'CONFLICT' });
  });

  it('lets the customer cancel or reschedule only before the cutoff', () => {
    expect(transition('cancel', ctx('CONFIRMED', 'customer', inHours(3)))).toEqual({ ok: true, to: 'CANCELLED' });
    expect(transition('cancel', ctx('CONFIRMED', 'customer', inHours(1)))).toMatchObject({
      ok: false,
      reason: 'CONFLICT',
    });
    expect(transition('reschedule', ctx('CONFIRMED', 'customer', inHours(3)))).toEqual({ ok: true, to: 'REQUESTED' });
    expect(transition('reschedule', ctx('REQUESTED', 'customer', inHours(1.5)))).toMatchObject({ ok: false });
  });

  it('lets the partner cancel after the cutoff', () => {
    expect(transition('cancel', ctx('CONFIRMED', 'partner', inHours(0.5)))).toEqual({ ok: true, to: 'CANCELLED' });
  });

  it('marks a no-show only once the slot has begun', () => {
    expect(transition('noShow', ctx('CONFIRMED', 'partner', inHours(1)))).toMatchObject({
      ok: false,
      reason: 'CONFLICT',
    });
    expect(transition('noShow', ctx('CONFIRMED', 'partner', inHours(-0.25)))).toEqual({ ok: true, to: 'NO_SHOW' });
  });

  it('has an answer for every status and action', () => {
    const actions: BookingAction[] = ['confirm', 'decline', 'start', 'complete', 'cancel', 'noShow', 'reschedule'];
    for (const status of BOOKING_STATUSES)
      for (const action of actions)
        for (const actor of ['customer', 'partner'] as const) {
          const result = transition(action, ctx(status, actor));
          if (result.ok) expect(BOOKING_STATUSES).toContain(result.to);
          else expect(result.message.length).toBeGreaterThan(0);
        }
  });
});
