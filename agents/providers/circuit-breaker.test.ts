import { ManualClock } from '../clock.js';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  const make = () => {
    const clock = new ManualClock(1000);
    return { clock, breaker: new CircuitBreaker({ failureThreshold: 3, cooldownMs: 5000 }, clock) };
  };

  it('stays closed below the threshold and a success resets the count', () => {
    const { breaker } = make();
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('opens after N consecutive failures and refuses calls during the cooldown', () => {
    const { breaker, clock } = make();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    expect(breaker.snapshot()).toEqual({ state: 'open', consecutiveFailures: 3, openedAt: 1000, timesOpened: 1 });
    clock.advance(4999);
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('lets exactly one probe through when half-open; its success closes the circuit', () => {
    const { breaker, clock } = make();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    clock.advance(5000);
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0, openedAt: null });
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('re-opens for a full cooldown when the probe fails', () => {
    const { breaker, clock } = make();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    clock.advance(5000);
    breaker.tryAcquire();
    breaker.recordFailure();
    expect(breaker.snapshot()).toMatchObject({ state: 'open', openedAt: 6000, timesOpened: 2 });
    clock.advance(4999);
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('a released probe frees the half-open slot without deciding', () => {
    const { breaker, clock } = make();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    clock.advance(5000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.release();
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('refuses a nonsensical configuration', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, cooldownMs: 1 }, new ManualClock())).toThrow(RangeError);
  });
});
