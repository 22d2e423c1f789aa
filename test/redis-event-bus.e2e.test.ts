import { RedisEventBus } from '../platform/events/redis.js';
import { USER_REGISTERED } from '../subgraphs/identity/auth/auth.service.js';
import { RegisterDocument } from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { startRedisServer, type TestRedis } from './redis-server.js';
import { waitFor } from './wait-for.js';

// With REDIS_URL set the whole system runs on the Redis bus: what a subgraph publishes
// reaches another process (here another bus instance) of the same deployment.
let redis: TestRedis;
let t: TestSystem;
let observer: RedisEventBus;
beforeAll(async () => {
  redis = await startRedisServer();
  t = await startTestSystem({ REDIS_URL: redis.url });
  observer = new RedisEventBus({ url: redis.url, namespace: t.config.MONGODB_DB_PREFIX });
});
afterAll(async () => {
  await observer?.close();
  await t?.stop();
  await redis?.stop();
});

it('delivers events from the subgraphs to other instances through Redis', async () => {
  const events: { userId: string; at: string }[] = [];
  await observer.subscribe<{ userId: string; at: string }>(USER_REGISTERED, (e) => void events.push(e)).ready;

  const registered = await t.request(RegisterDocument, {
    input: { email: 'bus@example.com', password: 'correct-horse-battery', name: 'Bus Rider' },
  });
  expect(registered.errors).toBeUndefined();

  await waitFor(() => events.length === 1, 'the registration event');
  expect(events[0].userId).toBe(registered.data!.register.user.id);
  expect(new Date(events[0].at).toISOString()).toBe(events[0].at);
});
