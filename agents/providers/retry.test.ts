import { normaliseSdkError, ProviderError, retryAfterMs } from './provider-error.js';
import { backoffDelayMs, classifyFailure, countsAgainstCircuit } from './retry.js';

const err = (status?: number) => new ProviderError('x', status, undefined);

describe('failure classification', () => {
  it.each([
    [429, 'retryable', true],
    [500, 'retryable', true],
    [503, 'retryable', true],
    [529, 'retryable', true],
    [400, 'fatal', false],
    [401, 'failover', true],
    [403, 'failover', true],
    [404, 'fatal', false],
    [422, 'fatal', false],
    [undefined, 'failover', true],
  ])('status %p is %s (counts against the circuit: %p)', (status, kind, counts) => {
    expect(classifyFailure(err(status))).toBe(kind);
    expect(countsAgainstCircuit(err(status))).toBe(counts);
  });
});

describe('back-off', () => {
  const options = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles from the base delay and stops at the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, options))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('waits at least as long as the server asks, within the cap', () => {
    expect(backoffDelayMs(1, options, 700)).toBe(700);
    expect(backoffDelayMs(1, options, 60_000)).toBe(1000);
    expect(backoffDelayMs(3, options, 10)).toBe(400);
  });
});

describe('SDK error normalisation', () => {
  it('reads status and Retry-After from an SDK-shaped error and scrubs the key', () => {
    const sdkError = Object.assign(new Error('429 rate limited for key sk-secret-1'), {
      status: 429,
      headers: new Headers({ 'retry-after': '2' }),
    });
    const e = normaliseSdkError(sdkError, 0, 'sk-secret-1');
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.status).toBe(429);
    expect(e.retryAfterMs).toBe(2000);
    expect(e.message).toBe('429 rate limited for key [redacted]');
  });

  it('treats an error without a status as a connection failure', () => {
    const e = normaliseSdkError(new Error('Connection error.'), 0, 'k');
    expect(e.status).toBeUndefined();
    expect(classifyFailure(e)).toBe('failover');
  });

  it('parses retry-after-ms, seconds and HTTP dates', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250' }, 0)).toBe(250);
    expect(retryAfterMs({ 'retry-after': '3' }, 0)).toBe(3000);
    const now = Date.parse('2025-06-01T00:00:00Z');
    expect(retryAfterMs({ 'retry-after': 'Sun, 01 Jun 2025 00:00:05 GMT' }, now)).toBe(5000);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});
