import {
  FINAL_STATUSES,
  ROADSIDE_STATUSES,
  roadsideTransition,
  type RoadsideAction,
  type RoadsideActor,
} from './roadside-state.js';

const ACTIONS: RoadsideAction[] = ['offer', 'exhaust', 'accept', 'locate', 'arrive', 'complete', 'cancel'];
const ACTORS: RoadsideActor[] = ['driver', 'partner', 'system'];

describe('roadside state machine', () => {
  it('follows REQUESTED → OFFERED → ACCEPTED → EN_ROUTE → ARRIVED → COMPLETED', () => {
    expect(roadsideTransition('offer', 'REQUESTED', 'system')).toEqual({ ok: true, to: 'OFFERED' });
    expect(roadsideTransition('accept', 'OFFERED', 'partner')).toEqual({ ok: true, to: 'ACCEPTED' });
    expect(roadsideTransition('locate', 'ACCEPTED', 'partner')).toEqual({ ok: true, to: 'EN_ROUTE' });
    expect(roadsideTransition('locate', 'EN_ROUTE', 'partner')).toEqual({ ok: true, to: 'EN_ROUTE' });
    expect(roadsideTransition('arrive', 'EN_ROUTE', 'partner')).toEqual({ ok: true, to: 'ARRIVED' });
    expect(roadsideTransition('locate', 'ARRIVED', 'partner')).toEqual({ ok: true, to: 'ARRIVED' });
    expect(roadsideTransition('complete', 'ARRIVED', 'partner')).toEqual({ ok: true, to: 'COMPLETED' });
  });

  it('offers the next wave while nobody accepted, and gives up to UNANSWERED', () => {
    expect(roadsideTransition('offer', 'OFFERED', 'system')).toEqual({ ok: true, to: 'OFFERED' });
    expect(roadsideTransition('exhaust', 'OFFERED', 'system')).toEqual({ ok: true, to: 'UNANSWERED' });
    expect(roadsideTransition('exhaust', 'REQUESTED', 'system')).toEqual({ ok: true, to: 'UNANSWERED' });
    expect(roadsideTransition('offer', 'ACCEPTED', 'system')).toMatchObject({ ok: false, reason: 'CONFLICT' });
    expect(roadsideTransition('exhaust', 'ACCEPTED', 'system')).toMatchObject({ ok: false, reason: 'CONFLICT' });
  });

  it('lets an accepted responder arrive without a location update first', () => {
    expect(roadsideTransition('arrive', 'ACCEPTED', 'partner')).toEqual({ ok: true, to: 'ARRIVED' });
  });

  it('lets the driver cancel until the help is done, and nobody else', () => {
    for (const status of ['REQUESTED', 'OFFERED', 'ACCEPTED', 'EN_ROUTE', 'ARRIVED'] as const) {
      expect(roadsideTransition('cancel', status, 'driver')).toEqual({ ok: true, to: 'CANCELLED' });
      expect(roadsideTransition('cancel', status, 'partner')).toMatchObject({ ok: false, reason: 'FORBIDDEN' });
    }
  });

  it('says a second accept finds the request taken (CONFLICT)', () => {
    for (const status of ['ACCEPTED', 'EN_ROUTE', 'ARRIVED', 'COMPLETED'] as const) {
      expect(roadsideTransition('accept', status, 'partner')).toEqual({
        ok: false,
        reason: 'CONFLICT',
        message: 'This roadside request was already taken by another centre',
      });
    }
  });

  it('refuses every move to the wrong actor (FORBIDDEN)', () => {
    expect(roadsideTransition('accept', 'OFFERED', 'driver')).toMatchObject({ ok: false, reason: 'FORBIDDEN' });
    expect(roadsideTransition('complete', 'ARRIVED', 'driver')).toMatchObject({ ok: false, reason: 'FORBIDDEN' });
    expect(roadsideTransition('offer', 'REQUESTED', 'partner')).toMatchObject({ ok: false, reason: 'FORBIDDEN' });
    expect(roadsideTransition('exhaust', 'OFFERED', 'driver')).toMatchObject({ ok: false, reason: 'FORBIDDEN' });
    expect(roadsideTransition('locate', 'ACCEPTED', 'driver')).toMatchObject({ ok: false, reason: 'FORBIDDEN' });
  });

  it('refuses skipped steps (CONFLICT)', () => {
    expect(roadsideTransition('complete', 'ACCEPTED', 'partner')).toMatchObject({ ok: false, reason: 'CONFLICT' });
    expect(roadsideTransition('complete', 'EN_ROUTE', 'partner')).toMatchObject({ ok: false, reason: 'CONFLICT' });
    expect(roadsideTransition('locate', 'OFFERED', 'partner')).toMatchObject({ ok: false, reason: 'CONFLICT' });
    expect(roadsideTransition('accept', 'REQUESTED', 'partner')).toMatchObject({ ok: false, reason: 'CONFLICT' });
  });

  it('never leaves a final status', () => {
    for (const status of FINAL_STATUSES) {
      for (const action of ACTIONS) {
        for (const actor of ACTORS) expect(roadsideTransition(action, status, actor).ok).toBe(false);
      }
    }
  });

  it('gives every status a way in', () => {
    const reached = new Set<string>(['REQUESTED']);
    for (const action of ACTIONS)
      for (const from of ROADSIDE_STATUSES)
        for (const actor of ACTORS) {
          const t = roadsideTransition(action, from, actor);
          if (t.ok) reached.add(t.to);
        }
    expect([...reached].sort()).toEqual([...ROADSIDE_STATUSES].sort());
  });
});
