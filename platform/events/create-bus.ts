import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import { InMemoryBroker } from './in-memory-broker.js';
import { InProcessEventBus } from './in-process.js';
import { RedisEventBus, describeRedisUrl } from './redis.js';

export interface CreateEventBusOptions {
  /** Redis when set (the production mode, events cross processes); in process otherwise. */
  redisUrl?: string;
  logger: Logger;
  /** Keeps deployments that share a Redis apart (keys and channels start with it). */
  namespace?: string;
  /** Roughly how many events each durable stream keeps. */
  streamMaxLen?: number;
}

export function createEventBus({ redisUrl, logger, namespace, streamMaxLen }: CreateEventBusOptions): EventBus {
  if (!redisUrl) {
    logger.info('event bus: in process');
    return new InProcessEventBus(logger, { broker: new InMemoryBroker({ maxLen: streamMaxLen }) });
  }
  logger.info({ redis: describeRedisUrl(redisUrl), namespace }, 'event bus: redis');
  return new RedisEventBus({ url: redisUrl, logger, namespace, streamMaxLen });
}
