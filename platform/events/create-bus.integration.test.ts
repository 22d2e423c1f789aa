import { capturedLogger } from '../../test/captured-logger.js';
import { startRedisServer, type TestRedis } from '../../test/redis-server.js';
import { waitFor } from '../../test/wait-for.js';
import { createEventBus } from './create-bus.js';
import { InProcessEventBus } from './in-process.js';
import { RedisEventBus } from './redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedisServer({ password: 'create-bus-secret' });
});
afterAll(async () => {
  await redis?.stop();
});

describe('createEventBus', () => {
  it('is in process without a Redis URL', async () => {
    const bus = createEventBus({ logger: capturedLogger('info').logger });
    expect(bus).toBeInstanceOf(InProcessEventBus);
    await bus.close();
  });

  it('is Redis with a URL, and says where without the password', async () => {
    const { lines, logger } = capturedLogger('info');
    const bus = createEventBus({ redisUrl: redis.url, namespace: 'create-bus', logger });
    expect(bus).toBeInstanceOf(RedisEventBus);
    const got: string[] = [];
    await bus.subscribe<string>('t', (s) => void got.push(s)).ready;
    await bus.publish('t', 'hello');
    await waitFor(() => got.length === 1, 'the event');
    await bus.close();
    expect(lines.join('')).toContain(`redis://127.0.0.1:${redis.port}`);
    expect(lines.join('')).not.toContain('create-bus-secret');
  });

  it('refuses a malformed URL without repeating it', () => {
    expect(() => createEventBus({ redisUrl: 'redis//:hunter2@host', logger: capturedLogger('info').logger })).toThrow(
      /^REDIS_URL is not a valid URL/,
    );
  });
});
