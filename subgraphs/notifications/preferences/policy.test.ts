import { channelsFor, DEFAULT_PREFERENCES, quietUntil, type Preferences } from './policy.js';

const prefs = (over: Partial<Preferences> = {}): Preferences => ({ ...DEFAULT_PREFERENCES, ...over });

describe('channelsFor', () => {
  it('keeps marketing off until the user opts in', () => {
    expect(channelsFor(prefs(), 'MARKETING')).toEqual([]);
    expect(
      channelsFor(prefs({ channels: { ...DEFAULT_PREFERENCES.channels, MARKETING: ['EMAIL'] } }), 'MARKETING'),
    ).toEqual(['EMAIL']);
  });

  it('leaves SMS out without a number', () => {
    expect(channelsFor(prefs(), 'SAFETY')).not.toContain('SMS');
    expect(channelsFor(prefs({ smsNumber: '+971500000000' }), 'SAFETY')).toContain('SMS');
  });
});

describe('quietUntil', () => {
  const night = prefs({ quietHours: { start: '22:00', end: '07:00' }, timeZone: 'Asia/Dubai' });

  it("holds an interrupting delivery until the quiet hours end, in the user's zone", () => {
    // 23:30 in Dubai (UTC+4) is 19:30 UTC; the window ends at 07:00 Dubai = 03:00 UTC next day.
    const at = new Date('2026-03-10T19:30:00Z');
    expect(quietUntil(night, at, 'PUSH', 'BOOKINGS', 'INFO')?.toISOString()).toBe('2026-03-11T03:00:00.000Z');
    // 05:00 Dubai, after midnight, same window: ends 07:00 Dubai the same day.
    expect(quietUntil(night, new Date('2026-03-11T01:00:00Z'), 'SMS', 'BOOKINGS', 'INFO')?.toISOString()).toBe(
      '2026-03-11T03:00:00.000Z',
    );
  });

  it('lets deliveries outside the window go now', () => {
    expect(quietUntil(night, new Date('2026-03-10T08:00:00Z'), 'PUSH', 'BOOKINGS', 'INFO')).toBeNull();
  });

  it('never holds a CRITICAL safety alert, nor the in-app feed', () => {
    const at = new Date('2026-03-10T19:30:00Z');
    expect(quietUntil(night, at, 'PUSH', 'SAFETY', 'CRITICAL')).toBeNull();
    expect(quietUntil(night, at, 'PUSH', 'SAFETY', 'HIGH')).not.toBeNull();
    expect(quietUntil(night, at, 'IN_APP', 'BOOKINGS', 'INFO')).toBeNull();
  });

  it('handles a window within one day and a daylight-saving zone', () => {
    const lunch = prefs({ quietHours: { start: '12:00', end: '14:00' }, timeZone: 'Europe/London' });
    // 13:00 BST (UTC+1) on 1 July is 12:00 UTC; ends 14:00 BST = 13:00 UTC.
    expect(quietUntil(lunch, new Date('2026-07-01T12:00:00Z'), 'EMAIL', 'ORDERS_PAYMENTS', 'INFO')?.toISOString()).toBe(
      '2026-07-01T13:00:00.000Z',
    );
    expect(quietUntil(lunch, new Date('2026-07-01T13:00:00Z'), 'EMAIL', 'ORDERS_PAYMENTS', 'INFO')).toBeNull();
  });
});
