import { InMemoryBroker } from '../events/in-memory-broker.js';
import { InProcessEventBus } from '../events/in-process.js';
import { createLogger } from '../logger.js';
import { LOG_LEVEL_TOPIC, listenForLogLevel } from './log-level.js';

const quiet = () => createLogger({ service: 't', level: 'info', destination: { write: () => true } as never });

describe('log-level commands', () => {
  it('apply to the addressed service only, and its own timer restores the starting level', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const bus = new InProcessEventBus(undefined, { broker: new InMemoryBroker({}) });
      const gateway = quiet();
      const other = quiet();
      const listener = listenForLogLevel(bus, 'gateway', gateway);
      listenForLogLevel(bus, 'identity', other);
      await bus.publish(LOG_LEVEL_TOPIC, { service: 'gateway', level: 'debug', until: 1_000_000 + 60_000 });
      expect(gateway.level).toBe('debug');
      expect(other.level).toBe('info');
      jest.advanceTimersByTime(60_000);
      expect(gateway.level).toBe('info');

      listener.apply({ service: 'gateway', level: 'trace', until: null });
      expect(listener.current()).toBe('trace');
      listener.apply({ service: 'gateway', level: 'fatal' as never, until: null });
      expect(gateway.level).toBe('info');
      listener.stop();
    } finally {
      jest.useRealTimers();
    }
  });
});
