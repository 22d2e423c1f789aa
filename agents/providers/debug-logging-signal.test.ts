import { TRIGGER_KINDS, type TriggerKind } from '../triggers/categories.js';
import { debugLoggingWarranted } from './debug-logging-signal.js';

describe('debug logging needs a signed-in or a server-error signal', () => {
  it('is never warranted by anonymous figures alone, however high, for any trigger but error_rate', () => {
    const anonymousFlood = {
      client_errors_per_minute: 10_000,
      rate_limited_per_minute: 10_000,
      forbidden_per_minute: 10_000,
      failed_logins_per_minute: 10_000,
      throughput_ratio: 0.01,
      p95_ms: 5_000,
      requests_in_window: 100_000,
      error_rate_pct: 0,
      signed_in_client_errors_per_minute: 0,
      authenticated_rate_limited_per_minute: 0,
      authenticated_forbidden_per_minute: 0,
    };
    for (const kind of Object.keys(TRIGGER_KINDS) as TriggerKind[]) {
      expect([kind, debugLoggingWarranted(kind, anonymousFlood)]).toEqual([kind, kind === 'error_rate']);
    }
  });

  it.each([
    ['client_error_burst', 'signed_in_client_errors_per_minute', 25],
    ['rate_limit_burst', 'authenticated_rate_limited_per_minute', 30],
    ['forbidden_burst', 'authenticated_forbidden_per_minute', 30],
  ] as const)('%s: warranted once %s reaches the trigger threshold (%i)', (kind, figure, threshold) => {
    expect(debugLoggingWarranted(kind, { [figure]: threshold - 1 })).toBe(false);
    expect(debugLoggingWarranted(kind, { [figure]: threshold })).toBe(true);
  });

  it('is warranted on any trigger while server errors burn the error budget at an alerting rate', () => {
    expect(debugLoggingWarranted('throughput_drop', { throughput_ratio: 0.1, error_burn: 0.9 })).toBe(false);
    expect(debugLoggingWarranted('throughput_drop', { throughput_ratio: 0.1, error_burn: 1 })).toBe(true);
    expect(debugLoggingWarranted('rate_limit_burst', { rate_limited_per_minute: 50, error_burn: 4 })).toBe(true);
  });
});
