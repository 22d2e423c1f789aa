import { Redis } from 'ioredis';
import { capturedLogger } from '../../test/captured-logger.js';
import { startRedisServer, type TestRedis } from '../../test/redis-server.js';
import { waitFor } from '../../test/wait-for.js';
import { RedisEventBus } from './redis.js';

// A Redis of its own: this file stops it and starts it again on the same port.
let redis: TestRedis;
let bus: RedisEventBus;
const { lines, logger } = capturedLogger();

beforeAll(async () => {
  redis = await startRedisServer();
  bus = new RedisEventBus({ url: redis.url, namespace: 'outage', logger });
});
afterAll(async () => {
  await bus?.close();
  await redis?.stop();
});

const appends = async () => {
  try {
    await bus.append('s', { n: 2 });
    return true;
  } catch {
    return false;
  }
};

it('refuses publish and append at once while Redis is down (instead of holding them for retries), and takes them again once it is back', async () => {
  await bus.append('s', { n: 1 });

  await redis.stop();
  await waitFor(
    () => lines.some((l) => l.includes('"role":"commands"') && l.includes('redis connection failed')),
    'the bus to notice',
  );
  // ioredis's own refusal would come after 20 reconnection attempts, with another message.
  await expect(bus.append('s', { n: 2 })).rejects.toThrow('the event bus is unreachable');
  await expect(bus.publish('t', { n: 2 })).rejects.toThrow('the event bus is unreachable');

  redis = await startRedisServer({ port: redis.port });
  await waitFor(appends, 'appends to work again', 30_000);
  const admin = new Redis(redis.url);
  try {
    // Nothing persists in the test Redis: only what was appended after the restart is there.
    expect(await admin.xlen('outage:stream:s')).toBe(1);
  } finally {
    admin.disconnect();
  }
});
