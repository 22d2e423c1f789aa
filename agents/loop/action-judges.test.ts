import { judgeOwnerResponse } from './action-judges.js';

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
