import { InMemoryBroker } from '../events/in-memory-broker.js';
import { InProcessEventBus } from '../events/in-process.js';
import { createLogger } from '../logger.js';
import { MAX_OVERRIDE_MS, RATE_LIMIT_TOPIC, listenForRateLimitOverrides } from './rate-limit-overrides.js';

const T0 = 1_000_000;

/** A logger whose lines the test reads back. */
function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    service: 'gateway',
    level: 'info',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) } as never,
  });
  return { logger, warnings: () => lines.filter((l) => l.level === 'warn') };
}

describe('rate-limit override commands', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 }));
  afterEach(() => jest.useRealTimers());

  it('set the factor of the named scope only, and its own timer restores it at `until`', async () => {
    const { logger, warnings } = recordingLogger();
    const bus = new InProcessEventBus(undefined, { broker: new InMemoryBroker({}) });
    const listener = listenForRateLimitOverrides(bus, logger);
    await bus.publish(RATE_LIMIT_TOPIC, { scope: 'api', factor: 0.5, until: T0 + 60_000, decisionId: 'd1' });
    expect(listener.factor('api')).toBe(0.5);
    expect(listener.factor('login')).toBe(1);
    expect(listener.current()).toEqual({ api: { factor: 0.5, until: T0 + 60_000, decisionId: 'd1' } });
    expect(warnings()).toEqual([
      expect.objectContaining({ scope: 'api', factor: 0.5, until: T0 + 60_000, decisionId: 'd1' }),
    ]);

    jest.advanceTimersByTime(59_999);
    expect(listener.factor('api')).toBe(0.5);
    jest.advanceTimersByTime(1);
    expect(listener.factor('api')).toBe(1);
    expect(warnings()[1]).toMatchObject({ scope: 'api', factor: 1, reason: 'expired', decisionId: 'd1' });
    listener.stop();
  });

  it('are restored by a null factor; a repeat changes nothing and logs nothing', () => {
    const { logger, warnings } = recordingLogger();
    const listener = listenForRateLimitOverrides(undefined, logger);
    const relax = { scope: 'ingest', factor: 2, until: T0 + 600_000, decisionId: 'd2' };
    listener.apply(relax);
    listener.apply(relax);
    expect(listener.factor('ingest')).toBe(2);
    expect(warnings()).toHaveLength(1);

    listener.apply({ scope: 'ingest', factor: 0.3, until: T0 + 600_000, decisionId: 'd3' });
    expect(listener.factor('ingest')).toBe(0.3);
    listener.apply({ scope: 'ingest', factor: null, until: null, decisionId: 'd3' });
    expect(listener.factor('ingest')).toBe(1);
    expect(listener.current()).toEqual({});
    expect(warnings().map((w) => w.factor)).toEqual([2, 0.3, 1]);
    // Nothing in force: restoring again, or a command already past its end, changes nothing.
    listener.apply({ scope: 'ingest', factor: null, until: null });
    listener.apply({ scope: 'ingest', factor: 0.5, until: T0 - 1 });
    expect(listener.factor('ingest')).toBe(1);
    expect(warnings()).toHaveLength(3);
  });

  it('hold for a day at most, whatever `until` says', () => {
    const listener = listenForRateLimitOverrides(undefined, recordingLogger().logger);
    listener.apply({ scope: 'login', factor: 0.5, until: null });
    listener.apply({ scope: 'api', factor: 0.5, until: T0 + 10 * MAX_OVERRIDE_MS });
    jest.advanceTimersByTime(MAX_OVERRIDE_MS - 1);
    expect([listener.factor('login'), listener.factor('api')]).toEqual([0.5, 0.5]);
    jest.advanceTimersByTime(1);
    expect([listener.factor('login'), listener.factor('api')]).toEqual([1, 1]);
  });

  it('are ignored, with a warning, when invalid: the factor in force stays', () => {
    const { logger, warnings } = recordingLogger();
    const listener = listenForRateLimitOverrides(undefined, logger);
    listener.apply({ scope: 'api', factor: 0.5, until: T0 + 60_000 });
    const invalid: unknown[] = [
      { scope: 'api', factor: 0, until: T0 + 60_000 },
      { scope: 'api', factor: 0.01, until: T0 + 60_000 },
      { scope: 'api', factor: 100, until: T0 + 60_000 },
      { scope: 'api', factor: -2, until: T0 + 60_000 },
      { scope: 'api', factor: '2', until: T0 + 60_000 },
      { scope: 'api', factor: 2 },
      { scope: 'api', factor: 2, until: 'tomorrow' },
      { scope: 'client_errors', factor: 2, until: T0 + 60_000 },
      { factor: 2, until: T0 + 60_000 },
      { scope: 'api', factor: 2, until: T0 + 60_000, decisionId: 'x'.repeat(65) },
      null,
      'api ×2',
    ];
    for (const command of invalid) listener.apply(command);
    expect(listener.factor('api')).toBe(0.5);
    expect(listener.current()).toEqual({ api: { factor: 0.5, until: T0 + 60_000 } });
    const ignored = warnings().slice(1);
    expect(ignored).toHaveLength(invalid.length);
    for (const line of ignored)
      expect(line).toMatchObject({ msg: 'rate-limit command ignored: invalid', issues: [expect.any(String)] });
    expect(ignored[0]!.issues).toEqual([expect.stringMatching(/^factor: /)]);
  });

  it('stop listening, and restore every scope, when stopped', async () => {
    const bus = new InProcessEventBus(undefined, { broker: new InMemoryBroker({}) });
    const listener = listenForRateLimitOverrides(bus, recordingLogger().logger);
    await bus.publish(RATE_LIMIT_TOPIC, { scope: 'login', factor: 0.2, until: T0 + 60_000 });
    listener.stop();
    expect(listener.factor('login')).toBe(1);
    await bus.publish(RATE_LIMIT_TOPIC, { scope: 'login', factor: 0.2, until: T0 + 60_000 });
    expect(listener.factor('login')).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});
