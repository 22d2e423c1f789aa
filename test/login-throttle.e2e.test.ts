import { AuditLogDocument, LoginDocument, RegisterDocument } from './generated/graphql.js';
import { errorCodes, type GraphQLResponse } from './client.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';
import { startTwoDeployments, type TwoDeployments } from './two-deployments.js';

// Each client is an IP of its own (X-Forwarded-For, which the gateway trusts from loopback).
const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
const PASSWORD = 'correct-horse-battery';
const MAX_FAILURES = 5;

const count = (responses: GraphQLResponse<unknown>[], code: string) =>
  responses.filter((r) => errorCodes(r).join() === code).length;
const retryAfter = (response: GraphQLResponse<unknown>) => Number(response.errors?.[0]?.extensions?.retryAfterSeconds);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function register(t: TestSystem, email: string): Promise<string> {
  const registered = await t.request(RegisterDocument, { input: { email, password: PASSWORD, name: 'Dana Driver' } });
  expect(registered.errors).toBeUndefined();
  return registered.data!.register.user.id;
}

const login = (t: TestSystem, email: string, password: string, ip: string) =>
  t.request(LoginDocument, { email, password }, from(ip));

/** Passwords actually checked for the account: every check that failed is audited as LOGIN_FAILED. */
async function audited(t: TestSystem, type: 'LOGIN_FAILED' | 'LOGIN_THROTTLED' | 'LOGIN_SUCCEEDED', userId?: string) {
  const admin = await t.request(LoginDocument, ADMIN, from('192.0.2.250'));
  const log = await t.request(AuditLogDocument, { type, userId }, { token: admin.data!.login.accessToken });
  expect(log.errors).toBeUndefined();
  return log.data!.auditLog.totalCount;
}

describe('sign-in throttling: the attacker, not the account owner', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({
      LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      LOGIN_LOCK_BASE_SECONDS: '2',
      LOGIN_EMAIL_SLOWDOWN_AFTER: '10',
      LOGIN_EMAIL_SLOWDOWN_SECONDS: '2',
    });
  });
  afterAll(() => t.stop());

  it('signs in with the correct password from a seventh IP after six wrong ones from six IPs', async () => {
    await register(t, 'six-ips@example.com');
    for (let i = 1; i <= 6; i++) {
      expect(errorCodes(await login(t, 'six-ips@example.com', `guess-${i}`, `203.0.113.${i}`))).toEqual([
        'UNAUTHENTICATED',
      ]);
    }
    const owner = await login(t, 'six-ips@example.com', PASSWORD, '198.51.100.7');
    expect(owner.errors).toBeUndefined();
    expect(owner.data!.login.user.email).toBe('six-ips@example.com');
  });

  it('locks one IP after LOGIN_MAX_FAILURES, even for the correct password, while other IPs still sign in', async () => {
    const userId = await register(t, 'one-ip@example.com');
    const attacker = '203.0.113.66';
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(errorCodes(await login(t, 'one-ip@example.com', `guess-${i}`, attacker))).toEqual(['UNAUTHENTICATED']);
    }
    const locked = await login(t, 'one-ip@example.com', PASSWORD, attacker);
    expect(errorCodes(locked)).toEqual(['RATE_LIMITED']);
    expect(retryAfter(locked)).toBeGreaterThanOrEqual(1);
    expect(retryAfter(locked)).toBeLessThanOrEqual(2);
    expect(locked.data).toBeNull();
    // Refused before the password was checked.
    expect(await audited(t, 'LOGIN_FAILED', userId)).toBe(MAX_FAILURES);

    // The owner, elsewhere, is not locked out.
    expect((await login(t, 'one-ip@example.com', PASSWORD, '198.51.100.8')).errors).toBeUndefined();

    // The lock ends (LOGIN_LOCK_BASE_SECONDS), and a success resets that client.
    await sleep(retryAfter(locked) * 1000 + 100);
    expect((await login(t, 'one-ip@example.com', PASSWORD, attacker)).errors).toBeUndefined();
    expect(errorCodes(await login(t, 'one-ip@example.com', 'guess-after-reset', attacker))).toEqual([
      'UNAUTHENTICATED',
    ]);
  });

  it('slows brute force across many IPs to one check per slot, while a known client signs in at once', async () => {
    const userId = await register(t, 'many-ips@example.com');
    const home = '198.51.100.20';
    expect((await login(t, 'many-ips@example.com', PASSWORD, home)).errors).toBeUndefined();

    // LOGIN_EMAIL_SLOWDOWN_AFTER failures, one per IP: no IP is locked, the email is now slowed.
    for (let i = 1; i <= 10; i++) {
      expect(errorCodes(await login(t, 'many-ips@example.com', `guess-${i}`, `203.0.114.${i}`))).toEqual([
        'UNAUTHENTICATED',
      ]);
    }
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) => login(t, 'many-ips@example.com', `burst-${i}`, `203.0.115.${i + 1}`)),
    );
    expect(count(burst, 'UNAUTHENTICATED')).toBeLessThanOrEqual(1);
    expect(count(burst, 'RATE_LIMITED')).toBeGreaterThanOrEqual(7);
    for (const refused of burst.filter((r) => errorCodes(r).join() === 'RATE_LIMITED')) {
      expect(refused.data).toBeNull();
      expect(retryAfter(refused)).toBeGreaterThanOrEqual(1);
      expect(retryAfter(refused)).toBeLessThanOrEqual(2);
    }
    expect(await audited(t, 'LOGIN_FAILED', userId)).toBeLessThanOrEqual(11);

    // The owner at home is known to the account: not slowed, even while the slot is taken.
    const atHome = await login(t, 'many-ips@example.com', PASSWORD, home);
    expect(atHome.errors).toBeUndefined();

    // A new client with the right password is slowed, never locked: it gets in once a slot is free.
    let fresh = await login(t, 'many-ips@example.com', PASSWORD, '192.0.2.77');
    for (let tries = 0; tries < 3 && errorCodes(fresh).join() === 'RATE_LIMITED'; tries++) {
      await sleep(retryAfter(fresh) * 1000 + 100);
      fresh = await login(t, 'many-ips@example.com', PASSWORD, '192.0.2.77');
    }
    expect(fresh.errors).toBeUndefined();
  });

  it('checks at most LOGIN_MAX_FAILURES of 24 concurrent wrong passwords from one IP', async () => {
    const userId = await register(t, 'race@example.com');
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) => login(t, 'race@example.com', `concurrent-${i}`, '203.0.113.99')),
    );
    const checked = await audited(t, 'LOGIN_FAILED', userId);
    expect(checked).toBeLessThanOrEqual(MAX_FAILURES);
    expect(count(responses, 'UNAUTHENTICATED')).toBe(checked);
    expect(count(responses, 'RATE_LIMITED')).toBe(24 - checked);
  });
});

describe('sign-in throttling across two deployments on one database', () => {
  let two: TwoDeployments;
  beforeAll(async () => {
    two = await startTwoDeployments({ LOGIN_MAX_FAILURES: String(MAX_FAILURES) });
  });
  afterAll(() => two.stop());

  it('checks at most LOGIN_MAX_FAILURES of 24 concurrent wrong passwords split over both gateways', async () => {
    const userId = await register(two.a, 'race-two@example.com');
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        login(i % 2 ? two.b : two.a, 'race-two@example.com', `concurrent-${i}`, '203.0.113.98'),
      ),
    );
    const checked = await audited(two.a, 'LOGIN_FAILED', userId);
    expect(checked).toBeLessThanOrEqual(MAX_FAILURES);
    expect(count(responses, 'UNAUTHENTICATED')).toBe(checked);
    expect(count(responses, 'RATE_LIMITED')).toBe(24 - checked);
  });
});

describe('a full password hash queue', () => {
  let t: TestSystem;
  beforeAll(async () => {
    // One hash at a time and one waiting, each slow enough that a burst finds the queue full.
    t = await startTestSystem({ BCRYPT_ROUNDS: '10', PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '1' });
  });
  afterAll(() => t.stop());

  it('refuses registrations beyond it with RATE_LIMITED, storing nothing for them', async () => {
    const emails = Array.from({ length: 8 }, (_, i) => `queued-${i}@example.com`);
    const responses = await Promise.all(
      emails.map((email) => t.request(RegisterDocument, { input: { email, password: PASSWORD, name: 'Queued' } })),
    );
    const refused = emails.filter((_, i) => errorCodes(responses[i]!).join() === 'RATE_LIMITED');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(count(responses, '')).toBe(8 - refused.length);
    for (const response of responses.filter((r) => r.errors)) {
      expect(response.data).toBeNull();
      expect(retryAfter(response)).toBeGreaterThanOrEqual(1);
    }
    const users = t.system.deps.mongo.db('identity').collection('users');
    expect(await users.countDocuments({ email: { $in: refused } })).toBe(0);
    expect(await users.countDocuments({ email: { $in: emails } })).toBe(8 - refused.length);
  });

  it('refuses sign-ins beyond it without counting them against the client', async () => {
    const userId = await register(t, 'queued-login@example.com');
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => login(t, 'queued-login@example.com', `wrong-${i}`, '203.0.113.40')),
    );
    const refused = count(responses, 'RATE_LIMITED');
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(count(responses, 'UNAUTHENTICATED')).toBe(8 - refused);
    expect(await audited(t, 'LOGIN_FAILED', userId)).toBe(8 - refused);
    expect(await audited(t, 'LOGIN_THROTTLED')).toBe(0);
  });
});
