import { randomBytes } from 'node:crypto';
import { startTestSystem, type TestSystem } from './harness.js';
import { startRedisServer, type TestRedis } from './redis-server.js';

export interface TwoDeployments {
  redis: TestRedis;
  a: TestSystem;
  b: TestSystem;
  stop(): Promise<void>;
}

/**
 * Two complete deployments of the same data (one database, one Redis, the same secrets), as
 * two instances behind a load balancer would be.
 */
export async function startTwoDeployments(overrides: Record<string, string> = {}): Promise<TwoDeployments> {
  const redis = await startRedisServer();
  const shared = {
    ...overrides,
    REDIS_URL: redis.url,
    MONGODB_DB_PREFIX: `t${randomBytes(5).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    INTERNAL_SECRET: randomBytes(32).toString('hex'),
  };
  const a = await startTestSystem(shared);
  const b = await startTestSystem(shared);
  return {
    redis,
    a,
    b,
    async stop() {
      await b.stop();
      await a.stop();
      await redis.stop();
    },
  };
}
