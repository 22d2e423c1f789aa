import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Viewer } from '../../platform/auth/viewer.js';
import { createLogger } from '../../platform/logger.js';
import { OperationRateLimiter, costOf } from './operation-rate-limiter.js';
import { rateLimitRules, type RuleName } from './rules.js';
import { createLimiterStore, type LimiterStore } from './store.js';

const logger = createLogger({ level: 'silent', service: 'test' });
// Small limits, so each test reaches them: 2 sign-ins per IP, 4 ingests per device,
// 5 operations per known caller and 3 per anonymous IP, per minute.
const rules = rateLimitRules({
  enabled: true,
  authPerMinute: 2,
  ingestPerMinute: 4,
  apiPerMinute: 5,
  anonymousPerMinute: 3,
});
const alice: Viewer = { kind: 'user', userId: 'alice', roles: ['CUSTOMER'] };
const bob: Viewer = { kind: 'user', userId: 'bob', roles: ['CUSTOMER'] };
const dongle: Viewer = { kind: 'device', deviceId: 'd1', vehicleId: 'v1' };
const LOGIN = ['Mutation.login'];
const ME = ['Query.me'];

async function limiterInMemory(factors?: Partial<Record<RuleName, number>>) {
  const store = await createLimiterStore({ namespace: 'test', logger });
  return new OperationRateLimiter(rules, store, logger, (rule) => factors?.[rule] ?? 1);
}

async function times(n: number, charge: () => Promise<unknown>) {
  const outcomes = [];
  for (let i = 0; i < n; i++) outcomes.push(await charge());
  return outcomes;
}

describe('operation rate limiter', () => {
  it('refuses the third sign-in from one IP within a minute (limit 2) and not another IP', async () => {
    const limiter = await limiterInMemory();
    expect(await times(2, () => limiter.charge(LOGIN, undefined, '10.0.0.1'))).toEqual([undefined, undefined]);
    const refusal = await limiter.charge(LOGIN, undefined, '10.0.0.1');
    expect(refusal).toEqual({
      rule: 'auth',
      key: { kind: 'ip', id: '10.0.0.1' },
      retryAfterSeconds: expect.any(Number),
    });
    expect(refusal!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refusal!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await limiter.charge(LOGIN, undefined, '10.0.0.2')).toBeUndefined();
  });

  it('counts sign-ins per IP whoever is signed in: a token does not open a fresh allowance', async () => {
    const limiter = await limiterInMemory();
    await limiter.charge(LOGIN, alice, '10.0.0.1');
    await limiter.charge(LOGIN, bob, '10.0.0.1');
    expect((await limiter.charge(['Mutation.refreshToken'], alice, '10.0.0.1'))?.rule).toBe('auth');
  });

  it('allows 5 operations a minute per user and 3 per anonymous IP, each counted apart', async () => {
    const limiter = await limiterInMemory();
    expect(await times(5, () => limiter.charge(ME, alice, '10.0.0.1'))).toEqual(Array(5).fill(undefined));
    expect(await limiter.charge(ME, alice, '10.0.0.9')).toMatchObject({ rule: 'api', key: { kind: 'user' } });
    expect(await limiter.charge(ME, bob, '10.0.0.1')).toBeUndefined();

    expect(await times(3, () => limiter.charge(ME, undefined, '10.0.0.1'))).toEqual(Array(3).fill(undefined));
    expect(await limiter.charge(ME, undefined, '10.0.0.1')).toMatchObject({ rule: 'api', key: { kind: 'ip' } });
  });

  it('counts ingestion per device, refused by whichever rule runs out first', async () => {
    const limiter = await limiterInMemory();
    const ingest = ['Mutation.ingestReadings'];
    expect(await times(4, () => limiter.charge(ingest, dongle, '10.0.0.1'))).toEqual(Array(4).fill(undefined));
    expect(await limiter.charge(ingest, dongle, '10.0.0.1')).toMatchObject({ rule: 'ingest', key: { kind: 'device' } });
    // The refused one was counted too: five operations have used up the device's api allowance (5).
    expect(await limiter.charge(ME, dongle, '10.0.0.1')).toMatchObject({ rule: 'api', key: { kind: 'device' } });
  });

  it('charges an operation once per rule it matches, however many of its fields match', async () => {
    const consumed: string[] = [];
    const store: LimiterStore = {
      limiter: (name) =>
        ({ consume: async (key: string) => void consumed.push(`${name} ${key}`) }) as unknown as RateLimiterAbstract,
      close: async () => undefined,
    };
    const limiter = new OperationRateLimiter(rules, store, logger);
    await limiter.charge(['Mutation.login', 'Mutation.register', 'Mutation.ingestObdFrames'], alice, '10.0.0.1');
    expect(consumed.sort()).toEqual(['api user:alice', 'auth ip:10.0.0.1', 'ingest user:alice']);
    consumed.length = 0;
    await limiter.charge(['Query.__schema'], undefined, '10.0.0.1');
    expect(consumed).toEqual(['api-anonymous ip:10.0.0.1']);
  });

  it('lets an operation through when its counter cannot be reached at all', async () => {
    const store: LimiterStore = {
      limiter: () => ({ consume: async () => Promise.reject(new Error('down')) }) as unknown as RateLimiterAbstract,
      close: async () => undefined,
    };
    expect(await new OperationRateLimiter(rules, store, logger).charge(LOGIN, undefined, '10.0.0.1')).toBeUndefined();
  });
});

describe('operation rate limiter with a factor in force', () => {
  it('refuses after half the operations at 0.5, allows double at 2, and the base number back at 1', async () => {
    const factors: Partial<Record<RuleName, number>> = { api: 0.5 };
    const limiter = await limiterInMemory(factors);
    // The api limit is 5 a minute: 2.5, so 2, at 0.5.
    expect(await times(2, () => limiter.charge(ME, alice, '10.0.0.1'))).toEqual([undefined, undefined]);
    const refusal = await limiter.charge(ME, alice, '10.0.0.1');
    expect(refusal).toMatchObject({ rule: 'api', key: { kind: 'user', id: 'alice' } });
    expect(refusal!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refusal!.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Anonymous callers' api limit (3) is scaled too: 1.5, so 1.
    expect(await limiter.charge(ME, undefined, '10.0.0.2')).toBeUndefined();
    expect(await limiter.charge(ME, undefined, '10.0.0.2')).toMatchObject({ rule: 'api', key: { kind: 'ip' } });

    factors.api = 2;
    expect(await times(10, () => limiter.charge(ME, bob, '10.0.0.1'))).toEqual(Array(10).fill(undefined));
    expect(await limiter.charge(ME, bob, '10.0.0.1')).toMatchObject({ rule: 'api' });

    delete factors.api;
    const carol: Viewer = { kind: 'user', userId: 'carol', roles: ['CUSTOMER'] };
    expect(await times(5, () => limiter.charge(ME, carol, '10.0.0.1'))).toEqual(Array(5).fill(undefined));
    expect(await limiter.charge(ME, carol, '10.0.0.1')).toMatchObject({ rule: 'api' });
  });

  it('scales each rule by its own factor: sign-ins halved while ingestion is doubled', async () => {
    const limiter = await limiterInMemory({ auth: 0.5, ingest: 2, api: 4 });
    expect(await limiter.charge(LOGIN, undefined, '10.0.0.1')).toBeUndefined();
    expect(await limiter.charge(LOGIN, undefined, '10.0.0.1')).toMatchObject({ rule: 'auth' });
    // 8 ingests for the device (4 × 2), well inside its api allowance (5 × 4).
    const ingest = ['Mutation.ingestReadings'];
    expect(await times(8, () => limiter.charge(ingest, dongle, '10.0.0.3'))).toEqual(Array(8).fill(undefined));
    expect(await limiter.charge(ingest, dongle, '10.0.0.3')).toMatchObject({ rule: 'ingest' });
  });

  it('costs whole hundredths of a limit, never nothing, and ignores a factor that is not a positive number', () => {
    expect([costOf(1, 1), costOf(1, 0.5), costOf(1, 2), costOf(1, 0.3), costOf(3, 4)]).toEqual([100, 200, 50, 333, 75]);
    expect(costOf(1, 1000)).toBe(1);
    for (const factor of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(costOf(2, factor)).toBe(200);
  });
});
