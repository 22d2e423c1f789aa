import type { Client } from 'graphql-ws';
import { LoginDocument, MeDocument, RegisterDocument } from './generated/graphql.js';
import { errorCodes, postJson, type GraphQLResponse } from './client.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';
import { collect, liveClient, VEHICLE_TELEMETRY } from './live.js';
import { startTwoDeployments, type TwoDeployments } from './two-deployments.js';
import { waitFor } from './wait-for.js';

// Low limits, so the tests reach them: 3 sign-ins (login, register, refreshToken) per client
// IP, 6 operations per signed-in user and 20 per anonymous IP, per minute. Each test comes
// from IPs of its own (X-Forwarded-For, which the gateway trusts from loopback), so no test
// spends another's allowance.
const LOW_LIMITS = {
  RATE_LIMIT_AUTH_PER_MINUTE: '3',
  RATE_LIMIT_API_PER_MINUTE: '6',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '20',
};
const from = (ip: string, token?: string) => ({ token, headers: { 'x-forwarded-for': ip } });
const PASSWORD = 'a-long-password';
const WRONG = { email: 'nobody@example.com', password: 'not-the-password' };
const WRONG_VARS = { e: WRONG.email, p: WRONG.password };
const clients: Client[] = [];

/** Refused before execution with 429, Retry-After and nothing in the body but the code and the wait. */
function expectRateLimited(response: GraphQLResponse<unknown>) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(response.errors).toEqual([
    {
      message: expect.stringContaining('Too many requests'),
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter },
    },
  ]);
  expect(response.data ?? null).toBeNull();
}

const login = (t: TestSystem, ip: string, credentials: { email: string; password: string } = ADMIN) =>
  t.request(LoginDocument, credentials, from(ip));
const register = (t: TestSystem, ip: string, email: string) =>
  t.request(RegisterDocument, { input: { email, password: PASSWORD, name: email } }, from(ip));

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});

describe('rate limits at low settings', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem(LOW_LIMITS);
  });
  afterAll(() => t?.stop());

  it('refuses the 4th sign-in from one IP within a minute (limit 3) with 429, while another IP signs in', async () => {
    for (let i = 0; i < 3; i++) expect((await login(t, '203.0.113.1')).errors).toBeUndefined();
    expectRateLimited(await login(t, '203.0.113.1'));
    // Hiding the login in a fragment does not escape the rule.
    const hidden = await postJson(
      t.url,
      {
        query: `mutation ($e: String!, $p: String!) { ...SignIn }
                fragment SignIn on Mutation { session: login(email: $e, password: $p) { accessToken } }`,
        variables: { e: ADMIN.email, p: ADMIN.password },
      },
      from('203.0.113.1'),
    );
    expectRateLimited(hidden);

    const elsewhere = await login(t, '203.0.113.2');
    expect(elsewhere.errors).toBeUndefined();
    expect(elsewhere.data!.login.accessToken).toEqual(expect.any(String));

    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/gateway_rate_limited_total\{[^}]*rule="auth"[^}]*\} [1-9]/);
  });

  it('counts each aliased login as a sign-in: 4 in one operation are over the limit of 3', async () => {
    const attempts = Array.from({ length: 4 }, (_, i) => `a${i}: login(email: $e, password: $p) { accessToken }`);
    const aliased = await postJson(
      t.url,
      { query: `mutation ($e: String!, $p: String!) { ${attempts.join(' ')} }`, variables: WRONG_VARS },
      from('203.0.113.9'),
    );
    expectRateLimited(aliased);
  });

  it('counts failed sign-ins too, and a refused register creates no user', async () => {
    for (let i = 0; i < 3; i++) expect(errorCodes(await login(t, '203.0.113.3', WRONG))).toEqual(['UNAUTHENTICATED']);
    expectRateLimited(await register(t, '203.0.113.3', 'refused@example.com'));

    // No such user: signing in fails, and the address is still free to register.
    expect(errorCodes(await login(t, '203.0.113.4', { email: 'refused@example.com', password: PASSWORD }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    const registered = await register(t, '203.0.113.5', 'refused@example.com');
    expect(registered.errors).toBeUndefined();
    expect(registered.data!.register.user.email).toBe('refused@example.com');
  });

  it('refuses the 7th operation of a user within a minute (limit 6), and not another user', async () => {
    const alice = (await register(t, '203.0.113.10', 'alice@example.com')).data!.register.accessToken;
    const bob = (await register(t, '203.0.113.11', 'bob@example.com')).data!.register.accessToken;
    for (let i = 0; i < 6; i++) {
      // The allowance is the user's wherever they call from.
      const me = await t.request(MeDocument, {}, from(`203.0.113.${20 + i}`, alice));
      expect(me.data!.me!.email).toBe('alice@example.com');
    }
    expectRateLimited(await t.request(MeDocument, {}, from('203.0.113.10', alice)));
    // Anonymous callers from the same IP are counted apart (by IP), and so is every other user.
    expect((await t.request(MeDocument, {}, from('203.0.113.10'))).data).toEqual({ me: null });
    expect((await t.request(MeDocument, {}, from('203.0.113.10', bob))).data!.me!.email).toBe('bob@example.com');
  });

  it('charges subscription starts to the same allowance, and refuses one over it with RATE_LIMITED', async () => {
    const carol = (await register(t, '203.0.113.40', 'carol@example.com')).data!.register;
    const socket = liveClient(t.url, carol.accessToken);
    clients.push(socket);
    // The first start is within the limit: it runs (and is refused by the vehicle check, not the rate limit).
    const first = collect(socket, VEHICLE_TELEMETRY, { id: '000000000000000000000000' });
    await waitFor(() => first.completed, 'the first subscription to end');
    expect(first.error).toBeUndefined();
    expect(first.results.flatMap((r) => r.errors ?? []).map((e: any) => e.extensions.code)).not.toContain(
      'RATE_LIMITED',
    );

    // 1 subscription + 5 queries = 6: the 7th operation, HTTP or WebSocket, is refused.
    for (let i = 0; i < 5; i++)
      expect((await t.request(MeDocument, {}, { token: carol.accessToken })).errors).toBeUndefined();
    expectRateLimited(await t.request(MeDocument, {}, { token: carol.accessToken }));
    const refused = collect(socket, VEHICLE_TELEMETRY, { id: '000000000000000000000000' });
    await waitFor(() => refused.completed, 'the refusal');
    expect(refused.results).toEqual([]);
    expect(refused.error).toEqual([
      {
        message: expect.stringContaining('Too many requests'),
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
      },
    ]);
  });
});

describe('rate limits shared by two gateways on one Redis', () => {
  let a: TestSystem;
  let b: TestSystem;
  let deployments: TwoDeployments | undefined;
  beforeAll(async () => {
    deployments = await startTwoDeployments(LOW_LIMITS);
    ({ a, b } = deployments);
  });
  afterAll(() => deployments?.stop());

  it('refuses on gateway B the sign-in over the limit (3) that an IP spent on gateway A', async () => {
    for (let i = 0; i < 3; i++) expect((await login(a, '198.51.100.1')).errors).toBeUndefined();
    expectRateLimited(await login(b, '198.51.100.1'));
    expectRateLimited(await login(a, '198.51.100.1'));
    expect((await login(b, '198.51.100.2')).errors).toBeUndefined();
  });
});

describe('rate limits turned off', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({
      RATE_LIMITS_ENABLED: 'false',
      RATE_LIMIT_AUTH_PER_MINUTE: '1',
      RATE_LIMIT_API_PER_MINUTE: '1',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1',
    });
  });
  afterAll(() => t?.stop());

  it('refuses nothing with RATE_LIMITS_ENABLED=false, even over limits of 1', async () => {
    for (let i = 0; i < 3; i++) {
      const signedIn = await login(t, '192.0.2.1');
      expect(signedIn.status).toBe(200);
      expect(signedIn.errors).toBeUndefined();
      const me = await t.request(MeDocument, {}, from('192.0.2.1', signedIn.data!.login.accessToken));
      expect(me.data!.me!.email).toBe(ADMIN.email);
    }
  });
});
