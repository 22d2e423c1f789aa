import { RateLimiterRes } from 'rate-limiter-flexible';
import { freePort } from '../../platform/local-db/local-database.js';
import { createLogger } from '../../platform/logger.js';
import { createLimiterStore } from './store.js';

const logger = createLogger({ level: 'silent', service: 'test' });

describe('limiter store', () => {
  it('counts in memory without REDIS_URL: 3 points a minute, the fourth refused', async () => {
    const store = await createLimiterStore({ namespace: 'test', logger });
    const limiter = store.limiter('api', 3, 60);
    for (let i = 0; i < 3; i++) await limiter.consume('ip:10.0.0.1');
    await expect(limiter.consume('ip:10.0.0.1')).rejects.toBeInstanceOf(RateLimiterRes);
    await store.close();
  });

  it('falls back to counting per process while Redis is unreachable, instead of failing', async () => {
    // Nothing listens on a fresh free port: the connection is refused for as long as the test runs.
    const store = await createLimiterStore({
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      namespace: 'test',
      logger,
    });
    try {
      const limiter = store.limiter('api', 3, 60);
      for (let i = 0; i < 3; i++) await expect(limiter.consume('ip:10.0.0.1')).resolves.toBeInstanceOf(RateLimiterRes);
      await expect(limiter.consume('ip:10.0.0.1')).rejects.toBeInstanceOf(RateLimiterRes);
    } finally {
      await store.close();
    }
  });
});
