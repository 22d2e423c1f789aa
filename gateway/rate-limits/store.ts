import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { describeRedisUrl } from '../../platform/events/redis.js';
import type { Logger } from '../../platform/logger.js';

export interface LimiterStoreOptions {
  /** Counters in Redis, shared by every gateway, when set; in this process's memory otherwise. */
  redisUrl?: string;
  /** Starts every Redis key, so deployments that share a Redis keep their counters apart. */
  namespace: string;
  logger: Logger;
}

export interface LimiterStore {
  /** `points` per `windowSeconds` for each key, counted under `name`. */
  limiter(name: string, points: number, windowSeconds: number): RateLimiterAbstract;
  close(): Promise<void>;
}

const memoryStore = (): LimiterStore => ({
  limiter: (name, points, duration) => new RateLimiterMemory({ keyPrefix: name, points, duration }),
  close: async () => undefined,
});

/**
 * Commands fail at once while Redis is down (no offline queue, one retry), and the limiter
 * does not even try while the connection is not ready: either way the in-memory insurance
 * limiter answers, so an outage degrades to per-process limits instead of failing requests.
 */
async function redisStore({ redisUrl, namespace, logger }: Required<LimiterStoreOptions>): Promise<LimiterStore> {
  const client = new Redis(redisUrl, {
    connectionName: 'clutch:rate-limits',
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Only a connection that is down gets disconnected (see close): nothing to flush, no need
    // to hold the process for ioredis's default 2 s.
    disconnectTimeout: 100,
  });
  // One warning per outage, not one per reconnect attempt.
  let up = true;
  client.on('ready', () => {
    if (!up) logger.info('rate limits: redis connection restored');
    up = true;
  });
  client.on('error', (err: Error) => {
    if (up) logger.warn({ error: err.message }, 'rate limits: redis unavailable; counting per process meanwhile');
    up = false;
  });
  // A failed first connection is retried in the background; until then memory answers.
  await client.connect().catch(() => undefined);
  return {
    limiter: (name, points, duration) =>
      new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `${namespace}:ratelimit:${name}`,
        points,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points, duration }),
      }),
    async close() {
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}

export async function createLimiterStore(options: LimiterStoreOptions): Promise<LimiterStore> {
  if (!options.redisUrl) {
    options.logger.info('rate limits: counted in memory (per process)');
    return memoryStore();
  }
  options.logger.info(
    { redis: describeRedisUrl(options.redisUrl), namespace: options.namespace },
    'rate limits: counted in redis',
  );
  return redisStore({ ...options, redisUrl: options.redisUrl });
}
