import { UnauthenticatedError } from '../../platform/errors.js';
import { createLogger } from '../../platform/logger.js';
import { authFailureGuard, needsLookup } from './auth-failures.js';
import { RefusalLog } from './refusal-log.js';
import { createLimiterStore } from './store.js';

const logger = createLogger({ level: 'silent', service: 'test' });
const device = (token: string) => ({ authorization: `Bearer dt_${token}` });
const apiKey = (key: string) => ({ apiKey: `ck_${key}` });
const jwt = (token: string) => ({ authorization: `Bearer ${token}` });
const logs: RefusalLog[] = [];
afterAll(() => logs.forEach((log) => log.close()));

async function guardWithLimit(limit: number) {
  const counts = { failures: 0, refused: 0, lookups: 0 };
  const refusals = new RefusalLog(logger);
  logs.push(refusals);
  const guard = authFailureGuard({
    store: await createLimiterStore({ namespace: 'test', logger }),
    limit,
    logger,
    refusals,
    hooks: { onFailure: () => counts.failures++, onRefused: () => counts.refused++ },
  });
  /** A lookup that always says "no such credential", as the owning subgraph would for random values. */
  const lookupFails = async () => {
    counts.lookups++;
    throw new UnauthenticatedError('Invalid device token');
  };
  return { guard, counts, lookupFails };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'OK',
    (error: { extensions?: { code?: string } }) => error.extensions?.code,
  );

describe('failed authentications per client IP', () => {
  it('answers UNAUTHENTICATED up to the limit, then RATE_LIMITED without any lookup', async () => {
    const { guard, counts, lookupFails } = await guardWithLimit(3);
    for (let i = 0; i < 3; i++) {
      expect(await codeOf(guard.guard(device(`random${i}`), '203.0.113.1', lookupFails))).toBe('UNAUTHENTICATED');
    }
    expect(counts).toEqual({ failures: 3, refused: 0, lookups: 3 });

    for (let i = 0; i < 20; i++) {
      const credentials = i % 2 ? device(`more${i}`) : apiKey(`more${i}`);
      expect(await codeOf(guard.guard(credentials, '203.0.113.1', lookupFails))).toBe('RATE_LIMITED');
    }
    // Refused before the lookup: the owning subgraph was not asked once more.
    expect(counts).toEqual({ failures: 3, refused: 20, lookups: 3 });

    const refusal = await guard.guard(device('x'), '203.0.113.1', lookupFails).catch((e: Error) => e);
    expect(refusal).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } });
    const { retryAfterSeconds } = (refusal as unknown as { extensions: { retryAfterSeconds: number } }).extensions;
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('counts per IP: another address still gets UNAUTHENTICATED, an IPv6 /64 counts as one', async () => {
    const { guard, lookupFails } = await guardWithLimit(2);
    for (let i = 0; i < 2; i++) await codeOf(guard.guard(device(`${i}`), '2001:db8:0:1::a', lookupFails));
    expect(await codeOf(guard.guard(device('y'), '2001:db8:0:1::b', lookupFails))).toBe('RATE_LIMITED');
    expect(await codeOf(guard.guard(device('z'), '203.0.113.2', lookupFails))).toBe('UNAUTHENTICATED');
  });

  it('over the limit, refuses a garbage JWT with RATE_LIMITED but lets a valid one through (no lookup either way)', async () => {
    const { guard, lookupFails } = await guardWithLimit(2);
    for (let i = 0; i < 2; i++) await codeOf(guard.guard(jwt(`garbage.${i}`), '203.0.113.3', lookupFails));
    const invalidJwt = async () => {
      throw new UnauthenticatedError('Invalid or expired token');
    };
    expect(await codeOf(guard.guard(jwt('garbage.again'), '203.0.113.3', invalidJwt))).toBe('RATE_LIMITED');
    const viewer = { kind: 'user', userId: 'u1', roles: ['CUSTOMER'] };
    await expect(guard.guard(jwt('valid'), '203.0.113.3', async () => viewer)).resolves.toBe(viewer);
  });

  it('never counts anonymous requests, valid credentials or other errors', async () => {
    const { guard, counts } = await guardWithLimit(1);
    for (let i = 0; i < 5; i++) {
      expect(await guard.guard({}, '203.0.113.4', async () => undefined)).toBeUndefined();
      expect(await guard.guard(apiKey('good'), '203.0.113.4', async () => 'viewer')).toBe('viewer');
    }
    const unavailable = async () => {
      throw Object.assign(new Error('down'), { extensions: { code: 'SERVICE_UNAVAILABLE' } });
    };
    await expect(guard.guard(apiKey('good'), '203.0.113.4', unavailable)).rejects.toThrow('down');
    expect(counts.failures).toBe(0);
    expect(await codeOf(guard.guard(apiKey('good'), '203.0.113.4', async () => 'viewer'))).toBe('OK');
  });

  it('knows which credentials cost a lookup', () => {
    expect(needsLookup(device('abc'))).toBe(true);
    expect(needsLookup(apiKey('abc'))).toBe(true);
    expect(needsLookup(jwt('eyJ.x.y'))).toBe(false);
    expect(needsLookup({ authorization: 'Basic abc', apiKey: 'ck_x' })).toBe(false);
  });
});
