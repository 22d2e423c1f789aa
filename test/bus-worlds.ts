import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { EventBus } from '../platform/events/bus.js';
import { InMemoryBroker } from '../platform/events/in-memory-broker.js';
import { InProcessEventBus } from '../platform/events/in-process.js';
import { RedisEventBus } from '../platform/events/redis.js';
import { PAYLOAD_FIELD } from '../platform/events/redis-group-reader.js';
import { startRedisServer, type TestRedis } from './redis-server.js';

/** One broker: each bus from `newBus` stands for one process. */
export interface BusWorld {
  newBus(): EventBus;
  /** Puts raw bytes on a stream, as a foreign or broken producer would; answers the entry's id. */
  appendRaw(stream: string, data: string): Promise<string>;
  /** Closes every bus it made. */
  close(): Promise<void>;
}

/**
 * The worlds a test of the EventBus contract runs in, for `describe.each`: in-process (an
 * in-memory broker) and Redis (a namespace per world on one server, started for the test file).
 * Call at the top level of the file: it registers the server's beforeAll and afterAll.
 */
export function busWorlds(): [string, () => BusWorld][] {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  const world = (newBus: () => EventBus, appendRaw: BusWorld['appendRaw'], closeRaw = () => {}): BusWorld => {
    const buses: EventBus[] = [];
    return {
      newBus: () => {
        const bus = newBus();
        buses.push(bus);
        return bus;
      },
      appendRaw,
      close: async () => {
        await Promise.all(buses.splice(0).map((bus) => bus.close()));
        closeRaw();
      },
    };
  };
  return [
    [
      'in-process',
      () => {
        const broker = new InMemoryBroker();
        return world(
          () => new InProcessEventBus(undefined, { broker }),
          async (stream, data) => broker.append(stream, data),
        );
      },
    ],
    [
      'redis',
      () => {
        // A namespace per world keeps the tests of a file apart on one server.
        const namespace = `t${randomBytes(4).toString('hex')}`;
        let raw: Redis | undefined;
        return world(
          () => new RedisEventBus({ url: redis.url, namespace }),
          async (stream, data) => {
            raw ??= new Redis(redis.url);
            return (await raw.xadd(`${namespace}:stream:${stream}`, '*', PAYLOAD_FIELD, data)) as string;
          },
          () => raw?.disconnect(),
        );
      },
    ],
  ];
}
