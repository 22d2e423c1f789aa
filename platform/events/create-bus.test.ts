import { Writable } from 'node:stream';
import { startRedisServer, type TestRedis } from '../../test/redis-server.js';
import { waitFor } from '../../test/wait-for.js';
import { createLogger } from '../logger.js';
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

function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test', destination }) };
}

describe('createEventBus', () => {
  it('is in process without a Redis URL', async () => {
    const bus = createEventBus({ logger: capturedLogger().logger });
    expect(bus).toBeInstanceOf(InProcessEventBus);
    await bus.close();
  });

  it('is Redis with a URL, and says where without the password', async () => {
    const { lines, logger } = capturedLogger();
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
    expect(() => createEventBus({ redisUrl: 'redis//:hunter2@host', logger: capturedLogger().logger })).toThrow(
      /^REDIS_URL is not a valid URL/,
    );
  });
});
