import { Weekday, type OpeningHours } from '../centres/centre.type.js';
import { isOpenAt, openAtChecker, openIntervals, type Schedule } from '../centres/opening-hours.js';
import { bookableSlots, type HeldSlot } from './slots.js';

const ALL_DAYS = Object.values(Weekday);
const daily = (opens: string, closes: string): OpeningHours[] => ALL_DAYS.map((day) => ({ day, opens, closes }));
const iso = (dates: { start: Date }[]) => dates.map((s) => s.start.toISOString());
const at = (text: string) => new Date(text);
const LONG_AGO = at('2026-01-01T00:00:00Z');

function slots(schedule: Schedule, from: string, to: string, extra: Partial<Parameters<typeof bookableSlots>[0]> = {}) {
  return bookableSlots({
    intervals: openIntervals(schedule, at(from), at(to)),
    durationMinutes: 60,
    bays: 1,
    held: [],
    from: at(from),
    to: at(to),
    now: LONG_AGO,
    ...extra,
  });
}

describe('availability across a daylight-saving change', () => {
  const london: Schedule = { timezone: 'Europe/London', openingHours: daily('09:00', '17:00'), closures: [] };

  it('keeps 09:00 local when the clocks go forward (Europe/London, 29 March 2026)', () => {
    const found = slots(london, '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z');
    const byDay = (day: string) => iso(found).filter((s) => s.startsWith(day));
    // One-hour slots every 30 minutes. Saturday in GMT: 09:00Z to 16:00Z; Sunday and Monday in BST: 08:00Z to 15:00Z.
    expect(byDay('2026-03-28')).toHaveLength(15);
    expect([byDay('2026-03-28')[0], byDay('2026-03-28').at(-1)]).toEqual([
      '2026-03-28T09:00:00.000Z',
      '2026-03-28T16:00:00.000Z',
    ]);
    expect(byDay('2026-03-29')).toHaveLength(15);
    expect([byDay('2026-03-29')[0], byDay('2026-03-29').at(-1)]).toEqual([
      '2026-03-29T08:00:00.000Z',
      '2026-03-29T15:00:00.000Z',
    ]);
    expect([byDay('2026-03-30')[0], byDay('2026-03-30').at(-1)]).toEqual([
      '2026-03-30T08:00:00.000Z',
      '2026-03-30T15:00:00.000Z',
    ]);
  });

  it('keeps 09:00 local when the clocks go back (Europe/London, 25 October 2026)', () => {
    const found = iso(slots(london, '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z'));
    expect(found[0]).toBe('2026-10-24T08:00:00.000Z');
    expect(found[14]).toBe('2026-10-24T15:00:00.000Z');
    expect(found[15]).toBe('2026-10-25T09:00:00.000Z');
    expect(found).toHaveLength(30);
  });

  // Sunday 00:00-04:00 local: the night the clocks change is an hour shorter or longer.
  const night: Schedule = {
    timezone: 'Europe/London',
    openingHours: [{ day: Weekday.SUNDAY, opens: '00:00', closes: '04:00' }],
    closures: [],
  };

  const halfHours = (from: string, count: number) =>
    Array.from({ length: count }, (_, i) => new Date(at(from).getTime() + i * 30 * 60_000).toISOString());

  it('offers three hours on the spring-forward night, the missing hour left out', () => {
    const found = iso(slots(night, '2026-03-28T12:00:00Z', '2026-03-29T12:00:00Z', { durationMinutes: 30 }));
    // 00:00 GMT to 04:00 BST is 00:00Z to 03:00Z: six half hours, not eight.
    expect(found).toEqual(halfHours('2026-03-29T00:00:00Z', 6));
  });

  it('offers eight half hours on an ordinary Sunday night', () => {
    expect(iso(slots(night, '2026-01-10T12:00:00Z', '2026-01-11T12:00:00Z', { durationMinutes: 30 }))).toEqual(
      halfHours('2026-01-11T00:00:00Z', 8),
    );
  });

  it('offers five hours on the fall-back night, the repeated hour twice', () => {
    const found = iso(slots(night, '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z', { durationMinutes: 30 }));
    // 00:00 BST to 04:00 GMT is 23:00Z to 04:00Z: ten half hours.
    expect(found).toEqual(halfHours('2026-10-24T23:00:00Z', 10));
  });

  it('follows the zone it is given: New York changes two weeks before London', () => {
    const ny: Schedule = { timezone: 'America/New_York', openingHours: daily('09:00', '17:00'), closures: [] };
    expect(iso(slots(ny, '2026-03-07T00:00:00Z', '2026-03-08T00:00:00Z'))[0]).toBe('2026-03-07T14:00:00.000Z');
    expect(iso(slots(ny, '2026-03-09T00:00:00Z', '2026-03-10T00:00:00Z'))[0]).toBe('2026-03-09T13:00:00.000Z');
  });
});

describe('bookableSlots', () => {
  const berlin: Schedule = {
    timezone: 'Europe/Berlin',
    openingHours: [
      { day: Weekday.MONDAY, opens: '08:00', closes: '12:00' },
      { day: Weekday.MONDAY, opens: '13:00', closes: '15:00' },
    ],
    closures: [],
  };
  // Monday 2026-06-01, CEST (UTC+2): 06:00Z-10:00Z and 11:00Z-13:00Z.
  const MONDAY = ['2026-06-01T00:00:00Z', '2026-06-02T00:00:00Z'] as const;

  it('fits whole slots of the duration into each opening interval, on a grid of at most 30 minutes', () => {
    expect(iso(slots(berlin, ...MONDAY, { durationMinutes: 90 }))).toEqual([
      '2026-06-01T06:00:00.000Z',
      '2026-06-01T06:30:00.000Z',
      '2026-06-01T07:00:00.000Z',
      '2026-06-01T07:30:00.000Z',
      '2026-06-01T08:00:00.000Z',
      '2026-06-01T08:30:00.000Z',
      '2026-06-01T11:00:00.000Z',
      '2026-06-01T11:30:00.000Z',
    ]);
    expect(slots(berlin, ...MONDAY, { durationMinutes: 20 })).toHaveLength(12 + 6);
  });

  it('leaves out closed days (closures are local dates, both ends included)', () => {
    const closed = { ...berlin, closures: [{ from: '2026-06-01', to: '2026-06-01', reason: 'Whit Monday' }] };
    expect(slots(closed, ...MONDAY)).toEqual([]);
    const before = { ...berlin, closures: [{ from: '2026-05-25', to: '2026-05-31', reason: null }] };
    expect(slots(before, ...MONDAY)).toHaveLength(7 + 3);
  });

  it('leaves out slots that started already and slots not wholly in the window', () => {
    expect(iso(slots(berlin, '2026-06-01T06:30:00Z', '2026-06-01T09:20:00Z'))).toEqual([
      '2026-06-01T06:30:00.000Z',
      '2026-06-01T07:00:00.000Z',
      '2026-06-01T07:30:00.000Z',
      '2026-06-01T08:00:00.000Z',
    ]);
    expect(iso(slots(berlin, ...MONDAY, { now: at('2026-06-01T11:00:00Z') }))).toEqual([
      '2026-06-01T11:30:00.000Z',
      '2026-06-01T12:00:00.000Z',
    ]);
  });

  const held = (start: string, end: string, bay: number | null = null): HeldSlot => ({
    start: at(start),
    end: at(end),
    bay,
  });

  it('offers a slot while a bay is free for its whole length', () => {
    const two = (h: HeldSlot[]) => iso(slots(berlin, ...MONDAY, { bays: 2, held: h }));
    const oneHeld = [held('2026-06-01T07:00:00Z', '2026-06-01T08:00:00Z')];
    expect(two(oneHeld)).toContain('2026-06-01T07:00:00.000Z');
    const bothHeld = [...oneHeld, held('2026-06-01T07:30:00Z', '2026-06-01T08:30:00Z')];
    // Both bays are busy from 07:30 to 08:00: every slot touching that half hour goes.
    expect(two(bothHeld)).not.toContain('2026-06-01T07:00:00.000Z');
    expect(two(bothHeld)).not.toContain('2026-06-01T07:30:00.000Z');
    // Back to back is no overlap: 06:30-07:30 and 08:00-09:00 stay.
    expect(two(bothHeld)).toEqual(expect.arrayContaining(['2026-06-01T06:30:00.000Z', '2026-06-01T08:00:00.000Z']));
  });

  it('counts bays held as bays: two bookings on one bay leave the other free', () => {
    const sameBay = [
      held('2026-06-01T07:00:00Z', '2026-06-01T07:30:00Z', 0),
      held('2026-06-01T07:30:00Z', '2026-06-01T08:00:00Z', 0),
    ];
    expect(iso(slots(berlin, ...MONDAY, { bays: 2, held: sameBay }))).toContain('2026-06-01T07:00:00.000Z');
    // One bay busy the first half, the other the second: no single bay is free for the hour.
    const split = [
      held('2026-06-01T07:00:00Z', '2026-06-01T07:30:00Z', 0),
      held('2026-06-01T07:30:00Z', '2026-06-01T08:00:00Z', 1),
    ];
    expect(iso(slots(berlin, ...MONDAY, { bays: 2, held: split }))).not.toContain('2026-06-01T07:00:00.000Z');
  });
});

describe('isOpenAt', () => {
  const ny: Schedule = {
    timezone: 'America/New_York',
    openingHours: [Weekday.MONDAY, Weekday.FRIDAY].map((day) => ({ day, opens: '09:00', closes: '17:00' })),
    closures: [{ from: '2026-12-25', to: '2026-12-26', reason: 'Christmas' }],
  };

  it("judges the instant in the centre's own zone, DST included", () => {
    expect(isOpenAt(ny, at('2026-03-06T13:30:00Z'))).toBe(false); // Friday 08:30 EST
    expect(isOpenAt(ny, at('2026-03-06T14:30:00Z'))).toBe(true); // Friday 09:30 EST
    expect(isOpenAt(ny, at('2026-03-09T13:30:00Z'))).toBe(true); // Monday 09:30 EDT
    expect(isOpenAt(ny, at('2026-03-09T21:00:00Z'))).toBe(false); // Monday 17:00 EDT: closed
    expect(isOpenAt(ny, at('2026-03-10T14:00:00Z'))).toBe(false); // Tuesday
  });

  it('is closed on a closure day', () => {
    expect(isOpenAt(ny, at('2026-12-25T15:00:00Z'))).toBe(false); // Friday, Christmas
    expect(isOpenAt(ny, at('2027-01-01T15:00:00Z'))).toBe(true); // the next Friday
  });
});

describe('openAtChecker', () => {
  it('agrees with isOpenAt at every quarter hour around both DST changes, in two zones', () => {
    const schedules: Schedule[] = [
      {
        timezone: 'Europe/London',
        openingHours: [
          ...daily('00:00', '01:30'),
          ...daily('02:30', '04:00'),
          { day: Weekday.SUNDAY, opens: '09:00', closes: '24:00' },
        ],
        closures: [{ from: '2026-10-24', to: '2026-10-24', reason: null }],
      },
      { timezone: 'America/New_York', openingHours: daily('01:00', '03:15'), closures: [] },
    ];
    for (const start of [
      '2026-03-06T00:00:00Z',
      '2026-03-27T00:00:00Z',
      '2026-10-23T00:00:00Z',
      '2026-10-31T00:00:00Z',
    ]) {
      for (let q = 0; q < 4 * 24 * 4; q++) {
        const instant = new Date(at(start).getTime() + q * 15 * 60_000);
        const check = openAtChecker(instant);
        for (const schedule of schedules) {
          expect({ at: instant.toISOString(), zone: schedule.timezone, open: check(schedule) }).toEqual({
            at: instant.toISOString(),
            zone: schedule.timezone,
            open: isOpenAt(schedule, instant),
          });
        }
      }
    }
  });
});

describe('times the clocks skip or repeat', () => {
  const london = (opens: string, closes: string): Schedule => ({
    timezone: 'Europe/London',
    openingHours: [{ day: Weekday.SUNDAY, opens, closes }],
    closures: [],
  });

  it('closes at the jump when the closing time is skipped (01:30 on 29 March 2026)', () => {
    const s = london('00:00', '01:30');
    expect(isOpenAt(s, at('2026-03-29T00:59:00Z'))).toBe(true);
    expect(isOpenAt(s, at('2026-03-29T01:00:00Z'))).toBe(false); // 02:00 BST: past 01:30
    expect(openIntervals(s, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'))).toEqual([
      { start: at('2026-03-29T00:00:00Z'), end: at('2026-03-29T01:00:00Z') },
    ]);
  });

  it('opens at the jump when the opening time is skipped', () => {
    const s = london('01:30', '03:00');
    expect(openIntervals(s, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'))).toEqual([
      { start: at('2026-03-29T01:00:00Z'), end: at('2026-03-29T02:00:00Z') },
    ]);
  });

  it('takes the first showing of a repeated time (01:30 on 25 October 2026)', () => {
    const s = london('00:00', '01:30');
    expect(openIntervals(s, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'))).toEqual([
      { start: at('2026-10-24T23:00:00Z'), end: at('2026-10-25T00:30:00Z') },
    ]);
    expect(isOpenAt(s, at('2026-10-25T01:15:00Z'))).toBe(false); // 01:15 GMT, the second showing
  });
});
