import { randomBytes } from 'node:crypto';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
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
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '5',
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

const random = () => randomBytes(16).toString('hex');
/** What an attacker sprays: random device tokens, random API keys and garbage JWTs, in turn. */
const randomCredentials = (i: number) =>
  [
    { token: `dt_${random()}` },
    { apiKey: `ck_${random()}` },
    { token: `eyJhbGciOiJIUzI1NiJ9.${random()}.${random()}` },
  ][i % 3]!;

/** Calls of the credential lookups (identity's API keys, vehicles' device tokens), from their /metrics. */
async function verifyLookups(t: TestSystem): Promise<number> {
  let calls = 0;
  for (const subgraph of t.system.subgraphs.filter((s) => s.name === 'identity' || s.name === 'vehicles')) {
    const text = await (await fetch(new URL('/metrics', subgraph.url))).text();
    for (const [, labels, count] of text.matchAll(/^http_request_duration_seconds_count\{([^}]*)\} (\d+)/gm)) {
      if (/route="\/internal\/(api-keys|devices)\/verify"/.test(labels!)) calls += Number(count);
    }
  }
  return calls;
}

/** Opens a graphql-ws connection with these connection params; resolves with the close code. */
function connectionInitClosed(url: string, params: Record<string, unknown>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: params })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') reject(new Error('acknowledged'));
    });
    socket.on('close', (code) => resolve(code));
    socket.on('error', reject);
  });
}

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

  it('counts failed authentications per IP: beyond 5 a flood of random credentials gets 429 without any lookup', async () => {
    const lookupsBefore = await verifyLookups(t);
    for (let i = 0; i < 5; i++) {
      const refused = await t.request(
        MeDocument,
        {},
        { ...randomCredentials(i), headers: from('203.0.113.60').headers },
      );
      expect(refused.status).toBe(401);
      expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    }
    // 2 device tokens and 2 API keys were looked up; the garbage JWT needed no lookup.
    expect((await verifyLookups(t)) - lookupsBefore).toBe(4);

    for (let i = 0; i < 30; i++) {
      expectRateLimited(
        await t.request(MeDocument, {}, { ...randomCredentials(i), headers: from('203.0.113.60').headers }),
      );
    }
    // Not one of the 30 refused requests cost a lookup.
    expect((await verifyLookups(t)) - lookupsBefore).toBe(4);

    // Another address still learns that its token is bad, and the flooded address's valid user still works.
    const elsewhere = await t.request(
      MeDocument,
      {},
      { token: `dt_${random()}`, headers: from('203.0.113.61').headers },
    );
    expect(elsewhere.status).toBe(401);
    expect(errorCodes(elsewhere)).toEqual(['UNAUTHENTICATED']);
    const admin = (await login(t, '203.0.113.62')).data!.login.accessToken;
    const me = await t.request(MeDocument, {}, from('203.0.113.60', admin));
    expect(me.status).toBe(200);
    expect(me.data!.me!.email).toBe(ADMIN.email);

    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(Number(/^gateway_auth_failures_total(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(16);
    expect(Number(/gateway_rate_limited_total\{[^}]*rule="auth-failures"[^}]*\} (\d+)/.exec(metrics)?.[1])).toBe(30);
  });

  it('counts failed connection_init over graphql-ws too: beyond 5 the socket closes with 4429', async () => {
    const lookupsBefore = await verifyLookups(t);
    for (let i = 0; i < 5; i++) {
      expect(await connectionInitClosed(t.url, { authorization: `Bearer dt_${random()}` })).toBe(4403);
    }
    expect(await connectionInitClosed(t.url, { authorization: `Bearer dt_${random()}` })).toBe(4429);
    expect(await connectionInitClosed(t.url, { 'x-api-key': `ck_${random()}` })).toBe(4429);
    expect((await verifyLookups(t)) - lookupsBefore).toBe(5);
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

  it('refuses on gateway B the credentials of an IP that failed 5 times on gateway A', async () => {
    for (let i = 0; i < 5; i++) {
      const refused = await a.request(
        MeDocument,
        {},
        { token: `dt_${random()}`, headers: from('198.51.100.7').headers },
      );
      expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    }
    expectRateLimited(
      await b.request(MeDocument, {}, { token: `dt_${random()}`, headers: from('198.51.100.7').headers }),
    );
    expect(
      errorCodes(await b.request(MeDocument, {}, { token: `dt_${random()}`, headers: from('198.51.100.8').headers })),
    ).toEqual(['UNAUTHENTICATED']);
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
