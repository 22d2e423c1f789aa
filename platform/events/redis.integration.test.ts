import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { capturedLogger } from '../../test/captured-logger.js';
import type { Logger } from '../logger.js';
import { startRedisServer, type TestRedis } from '../../test/redis-server.js';
import { waitFor } from '../../test/wait-for.js';
import { RedisEventBus, describeRedisUrl } from './redis.js';

// The contract both buses keep is in event-bus.integration.test.ts; this is what only Redis can show.

const PASSWORD = 'pw-that-must-never-be-logged';
let redis: TestRedis;
let admin: Redis;
let buses: RedisEventBus[] = [];

beforeAll(async () => {
  redis = await startRedisServer({ password: PASSWORD });
  admin = new Redis(redis.url);
});
afterEach(async () => {
  await Promise.all(buses.map((bus) => bus.close()));
  buses = [];
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

/** A bus in a namespace of its own, and the names of its Redis keys and channels. */
function openBus(options: { url?: string; streamMaxLen?: number; logger?: Logger } = {}) {
  const namespace = `t${randomBytes(4).toString('hex')}`;
  const bus = new RedisEventBus({ url: redis.url, namespace, ...options });
  buses.push(bus);
  return {
    bus,
    streamKey: (name: string) => `${namespace}:stream:${name}`,
    channel: (name: string) => `${namespace}:live:${name}`,
  };
}

const FAST = { blockMs: 50, claimIdleMs: 200, stopTimeoutMs: 200 };

describe('describeRedisUrl', () => {
  it('keeps where the server is and drops the credentials and the query', () => {
    expect(describeRedisUrl('redis://user:s3cret@cache.internal:6380/2?password=s3cret')).toBe(
      'redis://cache.internal:6380/2',
    );
    expect(describeRedisUrl('rediss://:s3cret@cache.internal')).toBe('rediss://cache.internal:6379');
  });

  it('refuses a URL that is not Redis without repeating it', () => {
    for (const url of ['not a url s3cret', 'http://user:s3cret@host']) {
      expect(() => describeRedisUrl(url)).toThrow(/REDIS_URL/);
      try {
        describeRedisUrl(url);
      } catch (err) {
        expect(JSON.stringify(err) + String(err)).not.toContain('s3cret');
      }
    }
  });
});

describe('RedisEventBus', () => {
  it('never logs the password, whether the connection works or is refused', async () => {
    const { lines, logger } = capturedLogger();
    const { bus: good } = openBus({ logger });
    const got: number[] = [];
    consumeInto(good, got);
    await good.append('s', 1);
    await waitFor(() => got.length === 1, 'the event');

    const wrongPassword = 'wrong-password-never-logged';
    const { bus: bad } = openBus({ url: redis.url.replace(encodeURIComponent(PASSWORD), wrongPassword), logger });
    await expect(bad.append('s', 2)).rejects.toThrow(/WRONGPASS/);
    await waitFor(
      () => lines.some((l) => l.includes('redis connection failed')),
      'the connection failure to be logged',
    );

    const log = lines.join('');
    expect(log).toContain('redis://127.0.0.1:');
    expect(log).not.toContain(PASSWORD);
    expect(log).not.toContain(wrongPassword);
  });

  it('keeps its live subscriptions and consumers through dropped connections', async () => {
    const { bus, channel } = openBus();
    const live: number[] = [];
    const durable: number[] = [];
    await bus.subscribe<number>('t', (n) => void live.push(n)).ready;
    consumeInto(bus, durable);
    await bus.publish('t', 1);
    await bus.append('s', 1);
    await waitFor(() => live.length === 1 && durable.length === 1, 'the events before the drop');

    await admin.client('KILL', 'TYPE', 'pubsub');
    await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    // Live events published before the resubscription are missed by design: wait for it.
    await waitFor(async () => (await subscribers(channel('t'))) === 1, 'the resubscription');

    await bus.publish('t', 2);
    await bus.append('s', 2);
    await waitFor(() => live.length === 2 && durable.length === 2, 'the events after the drop');
    expect(live).toEqual([1, 2]);
    expect(durable).toEqual([1, 2]);
  });

  it('keeps consuming when the stream is deleted under it', async () => {
    const { bus, streamKey } = openBus();
    const got: number[] = [];
    consumeInto(bus, got);
    await bus.append('s', 1);
    await waitFor(() => got.length === 1, 'the first event');
    await admin.del(streamKey('s'));
    await bus.append('s', 2);
    await waitFor(() => got.length === 2, 'the event after the deletion');
    expect(got).toEqual([1, 2]);
  });

  it('trims streams to about streamMaxLen, under its namespace', async () => {
    const { bus, streamKey } = openBus({ streamMaxLen: 10 });
    for (let i = 0; i < 1_000; i += 1) await bus.append('s', i);
    const length = await admin.xlen(streamKey('s'));
    // Approximate trimming removes whole nodes (100 entries by default), never more than asked.
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThan(200);
  });

  it('quits its connections on close', async () => {
    const name = 'clutch:commands';
    const before = await clientsNamed(name);
    const { bus } = openBus();
    await bus.append('s', 1);
    await waitFor(async () => (await clientsNamed(name)) === before + 1, 'the connection');
    await bus.close();
    await waitFor(async () => (await clientsNamed(name)) === before, 'the connection to go');
  });
});

function consumeInto(bus: RedisEventBus, into: number[]) {
  return bus.consume<number>('s', 'g', 'c', (e) => void into.push(e.payload), FAST);
}

async function subscribers(channel: string): Promise<number> {
  const [, count] = (await admin.pubsub('NUMSUB', channel)) as [string, number];
  return Number(count);
}

async function clientsNamed(name: string): Promise<number> {
  const list = (await admin.client('LIST')) as string;
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
}
