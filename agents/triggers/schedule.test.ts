import {
  DEFAULT_ROUTINES,
  dueRoutines,
  nextDailyFire,
  parseDailyTime,
  previousDailyFire,
  validateRoutines,
} from './schedule.js';

const at = (iso: string) => Date.parse(iso);

describe('daily schedule', () => {
  it('parses HH:MM and refuses anything else', () => {
    expect(parseDailyTime('07:00')).toBe(420);
    expect(parseDailyTime('23:59')).toBe(1439);
    for (const bad of ['7:00', '24:00', '12:60', '07:00Z', '', 'morning']) {
      expect(() => parseDailyTime(bad)).toThrow(RangeError);
    }
  });

  it('computes the next 07:00 UTC, rolling over to tomorrow once it has passed', () => {
    expect(nextDailyFire('07:00', at('2025-03-10T06:59:59Z'))).toBe(at('2025-03-10T07:00:00Z'));
    expect(nextDailyFire('07:00', at('2025-03-10T07:00:00Z'))).toBe(at('2025-03-11T07:00:00Z'));
    expect(nextDailyFire('19:00', at('2025-12-31T20:00:00Z'))).toBe(at('2026-01-01T19:00:00Z'));
    expect(previousDailyFire('07:00', at('2025-03-10T07:00:00Z'))).toBe(at('2025-03-10T07:00:00Z'));
  });

  it('reports routines due since the last tick, once each', () => {
    const due = dueRoutines(DEFAULT_ROUTINES, at('2025-03-10T06:59:00Z'), at('2025-03-10T07:00:30Z'));
    expect(due).toEqual([
      { kind: 'morning_routine', at: at('2025-03-10T07:00:00Z'), dedupKey: 'morning_routine:2025-03-10' },
    ]);
    expect(dueRoutines(DEFAULT_ROUTINES, at('2025-03-10T07:00:30Z'), at('2025-03-10T07:01:30Z'))).toEqual([]);
  });

  it('after a long pause runs each missed routine once, the latest occurrence', () => {
    const due = dueRoutines(DEFAULT_ROUTINES, at('2025-03-07T12:00:00Z'), at('2025-03-10T20:00:00Z'));
    expect(due.map((d) => d.dedupKey)).toEqual(['morning_routine:2025-03-10', 'evening_routine:2025-03-10']);
  });

  it('is configurable', () => {
    const routines = validateRoutines([{ kind: 'morning_routine', at: '05:30' }]);
    expect(dueRoutines(routines, at('2025-03-10T05:00:00Z'), at('2025-03-10T05:30:00Z'))).toEqual([
      { kind: 'morning_routine', at: at('2025-03-10T05:30:00Z'), dedupKey: 'morning_routine:2025-03-10' },
    ]);
    expect(() => validateRoutines([{ kind: 'evening_routine', at: '7pm' }])).toThrow(/7pm/);
  });
});
