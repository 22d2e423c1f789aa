import type { DecisionDocument } from '../decisions/decision.document.js';
import { acknowledgedByOwners, judgeOwnerResponse, ownerResponseJudge } from './action-judges.js';

const judge = (reached: string[], acknowledged: string[] = [], booked: string[] = []) =>
  judgeOwnerResponse({
    targeted: ['v1', 'v2'],
    reached,
    acknowledged: new Set(acknowledged),
    booked: new Set(booked),
    windowHours: 24,
  });

describe("owner notifications' own measure", () => {
  it('nobody reached: a failure that says so, nothing learnt as achieved', () => {
    expect(judge([])).toEqual({
      success: false,
      verdict: 'NOT_REACHED',
      note: 'no owner of the 2 vehicle(s) was reached',
      credit: 0,
      achieved: false,
    });
  });

  it('reached, but nobody acknowledged or booked within the window: a failure, though the alert is beside the point', () => {
    expect(judge(['v1', 'v2'])).toMatchObject({
      success: false,
      verdict: 'OWNERS_REACHED',
      credit: 0,
      achieved: false,
    });
    expect(judge(['v1', 'v2']).note).toBe(
      "2 of 2 vehicle(s)' owners reached; none acknowledged an alert or booked within 24 h",
    );
  });

  it('owners who acted: credited with the share of those reached; acting on a vehicle not reached does not count', () => {
    expect(judge(['v1', 'v2'], ['v1'], ['v1'])).toMatchObject({
      success: true,
      verdict: 'OWNERS_ACTED',
      credit: 0.5,
      achieved: true,
    });
    expect(judge(['v1'], [], ['v2'])).toMatchObject({ success: false, verdict: 'OWNERS_REACHED' });
  });
});

describe('whose acknowledgement is the owner acting', () => {
  const owners = [
    { vehicleId: 'v1', userId: 'owner-1' },
    { vehicleId: 'v2', userId: 'owner-2' },
  ];

  it("only the acknowledgement of an owner the notice reached for that vehicle, not staff's nor another owner's", () => {
    const acks = [
      { vehicleId: 'v1', by: 'owner-1' },
      { vehicleId: 'v2', by: 'staff-1' },
      { vehicleId: 'v2', by: 'owner-1' },
      { vehicleId: 'v2', by: null },
    ];
    expect(acknowledgedByOwners(acks, owners)).toEqual(new Set(['v1']));
  });

  it('a record from before the owners were kept counts any acknowledgement, as it did then', () => {
    expect(acknowledgedByOwners([{ vehicleId: 'v2', by: 'staff-1' }], undefined)).toEqual(new Set(['v2']));
  });

  it('staff acknowledging the alert leaves the notice at OWNERS_REACHED: nothing credited', async () => {
    const judge = ownerResponseJudge({
      alerts: { acknowledgementsBetween: async () => [{ vehicleId: 'v1', by: 'staff-1' }] },
      bookings: { bookedBetween: async () => new Set<string>() },
      windowMs: 3_600_000,
    });
    const decision = {
      parameters: { vehicleIds: ['v1', 'v2'] },
      executedAt: new Date(0),
      createdAt: new Date(0),
      execution: { summary: 'sent', success: true, reachedVehicleIds: ['v1', 'v2'], reachedOwners: owners },
    } as unknown as DecisionDocument;
    expect(await judge.judge(decision, new Date(3_600_000))).toMatchObject({
      success: false,
      verdict: 'OWNERS_REACHED',
      credit: 0,
    });
  });
});
