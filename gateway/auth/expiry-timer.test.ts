import { ExpiryTimer, MAX_TIMER_MS } from './expiry-timer.js';

describe('ExpiryTimer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('fires once at the moment scheduled, not before', () => {
    const onExpire = jest.fn();
    const timer = new ExpiryTimer(onExpire);
    timer.schedule(Date.now() + 5_000);
    jest.advanceTimersByTime(4_999);
    expect(onExpire).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(onExpire).toHaveBeenCalledTimes(1);
    expect(timer.armed).toBe(false);
    jest.advanceTimersByTime(60_000);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('moves to a new moment when rescheduled (a refreshed credential), and stops when cancelled', () => {
    const onExpire = jest.fn();
    const timer = new ExpiryTimer(onExpire);
    timer.schedule(Date.now() + 5_000);
    jest.advanceTimersByTime(4_000);
    timer.schedule(Date.now() + 10_000);
    jest.advanceTimersByTime(9_999);
    expect(onExpire).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(onExpire).toHaveBeenCalledTimes(1);

    timer.schedule(Date.now() + 1_000);
    timer.cancel();
    jest.advanceTimersByTime(5_000);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('fires on the next tick for a moment already past, and never for no moment', () => {
    const onExpire = jest.fn();
    const timer = new ExpiryTimer(onExpire);
    timer.schedule(undefined);
    expect(timer.armed).toBe(false);
    timer.schedule(Date.now() - 1_000);
    expect(onExpire).not.toHaveBeenCalled();
    jest.advanceTimersByTime(0);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('waits out a moment beyond what one setTimeout can hold instead of firing at once', () => {
    const onExpire = jest.fn();
    const timer = new ExpiryTimer(onExpire);
    const expiresAt = Date.now() + MAX_TIMER_MS * 2 + 10;
    timer.schedule(expiresAt);
    jest.advanceTimersByTime(MAX_TIMER_MS * 2);
    expect(onExpire).not.toHaveBeenCalled();
    jest.advanceTimersByTime(10);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });
});
