import { errorCodes, postJson } from './client.js';
import { PRODUCTION_SECRETS, startTestSystem, type TestSystem } from './harness.js';
import { liveClient, operationErrors, registerDriver } from './live.js';

const METRICS_TOKEN = 'm'.repeat(40);
const UNKNOWN_ORIGIN = 'https://evil.example';
const APP_ORIGIN = 'https://app.clutch.test';

/**
 * The stack as it runs in production (NODE_ENV=production, real secrets, the test database):
 * what an attacker without credentials can learn about the schema and the running system.
 */
describe('production mode', () => {
  let prod: TestSystem;
  /** Production with the options an operator may turn on, and no METRICS_TOKEN. */
  let opened: TestSystem;
  let customer: string;
  beforeAll(async () => {
    prod = await startTestSystem({ NODE_ENV: 'production', ...PRODUCTION_SECRETS, METRICS_TOKEN });
    opened = await startTestSystem({
      NODE_ENV: 'production',
      ...PRODUCTION_SECRETS,
      CORS_ORIGINS: APP_ORIGIN,
      PLAYGROUND_ENABLED: 'true',
    });
    customer = (await registerDriver(prod, 'prod-customer@example.com')).token;
  });
  afterAll(async () => {
    await prod.stop();
    await opened.stop();
  });

  describe('suggestions', () => {
    // Each of these answers "Did you mean …" with the real name outside production.
    const typos: [string, string, Record<string, unknown>, string, string][] = [
      ['a field', '{ mee { id } }', {}, 'GRAPHQL_VALIDATION_FAILED', 'Cannot query field "mee" on type "Query".'],
      [
        'a nested field',
        '{ me { emial } }',
        {},
        'GRAPHQL_VALIDATION_FAILED',
        'Cannot query field "emial" on type "User".',
      ],
      [
        'an argument',
        '{ vehicle(idd: "x") { id } }',
        {},
        'GRAPHQL_VALIDATION_FAILED',
        'Unknown argument "idd" on field "Query.vehicle".',
      ],
      [
        'a type',
        'query ($f: DecisionFiltr) { decisions(filter: $f) { totalCount } }',
        {},
        'GRAPHQL_VALIDATION_FAILED',
        'Unknown type "DecisionFiltr".',
      ],
      [
        'an enum value literal',
        '{ myVehicles { alerts(status: OPNE) { id } } }',
        {},
        'GRAPHQL_VALIDATION_FAILED',
        'Value "OPNE" does not exist in "AlertStatus" enum.',
      ],
      [
        'an input field in a variable',
        'mutation ($r: [ReadingInput!]!) { ingestReadings(vehicleId: "v", readings: $r) { accepted } }',
        { r: [{ pidd: '0C', value: 1 }] },
        'BAD_USER_INPUT',
        'Field "pidd" is not defined by type "ReadingInput".',
      ],
    ];

    it.each(typos)('are not given over HTTP for a mistyped %s', async (_what, query, variables, code, message) => {
      const response = await postJson(prod.url, { query, variables });
      expect(response.status).toBe(400);
      expect(new Set(errorCodes(response))).toEqual(new Set([code]));
      // The message ends where the suggestion used to start.
      expect(response.errors!.some((e) => e.message.endsWith(message))).toBe(true);
      expect(JSON.stringify(response.errors)).not.toMatch(/Did you mean/);
    });

    it('are not given over WebSocket, for subscriptions, queries and variables alike', async () => {
      const client = liveClient(prod.url, customer);
      try {
        const cases: [string, Record<string, unknown>][] = [
          ['subscription { vehicleTelemetri(vehicleId: "v") { recordedAt } }', {}],
          ['subscription { healthAlerts { rul } }', {}],
          ...typos.map(([, query, variables]) => [query, variables] as [string, Record<string, unknown>]),
          ['query ($s: AlertStatus) { myVehicles { alerts(status: $s) { id } } }', { s: 'OPNE' }],
        ];
        for (const [query, variables] of cases) {
          const errors = await operationErrors(client, query, variables);
          expect(errors.length).toBeGreaterThan(0);
          expect(['GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']).toContain(errors[0].extensions?.code);
          expect(JSON.stringify(errors)).not.toMatch(/Did you mean/);
        }
      } finally {
        await client.dispose();
      }
    });
  });

  describe('introspection', () => {
    it('is refused with 403 FORBIDDEN, not 500, to anonymous callers and customers', async () => {
      for (const [query, token] of [
        ['{ __schema { types { name } } }', undefined],
        ['{ __type(name: "User") { fields { name } } }', undefined],
        ['{ __schema { queryType { name } } }', customer],
      ] as const) {
        const response = await postJson(prod.url, { query }, { token });
        expect(response.status).toBe(403);
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
        expect(response.data ?? null).toBeNull();
        expect(JSON.stringify(response.errors)).not.toMatch(/http|stack/);
      }
    });

    it('is refused with FORBIDDEN over WebSocket', async () => {
      const client = liveClient(prod.url, customer);
      try {
        const errors = await operationErrors(client, '{ __schema { types { name } } }');
        expect(errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      } finally {
        await client.dispose();
      }
    });
  });

  describe('/metrics and /health/detailed', () => {
    const origin = (t: TestSystem, service: string) =>
      service === 'gateway' ? t.baseUrl : new URL(t.system.subgraphs.find((s) => s.name === service)!.url).origin;
    const get = (url: string, token?: string) =>
      fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });

    it.each(['gateway', 'telemetry'])('need the METRICS_TOKEN on the %s', async (service) => {
      const base = origin(prod, service);
      for (const path of ['/metrics', '/health/detailed']) {
        for (const token of [undefined, 'wrong', `${METRICS_TOKEN}x`, customer]) {
          const refused = await get(`${base}${path}`, token);
          expect(refused.status).toBe(401);
          expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
          const body = await refused.text();
          expect(body).toContain('UNAUTHENTICATED');
          expect(body).not.toMatch(/process_|heapUsed|uptime|node/);
        }
      }
      const metrics = await get(`${base}/metrics`, METRICS_TOKEN);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('http_request_duration_seconds');
      const detailed = await get(`${base}/health/detailed`, METRICS_TOKEN);
      expect(detailed.status).toBe(200);
      expect(await detailed.json()).toMatchObject({ service, memory: expect.any(Object) });
    });

    it.each(['gateway', 'telemetry'])('are refused (403) on the %s when no METRICS_TOKEN is set', async (service) => {
      const base = origin(opened, service);
      for (const path of ['/metrics', '/health/detailed']) {
        for (const token of [undefined, 'anything-at-all-anything-at-all-anything']) {
          const refused = await get(`${base}${path}`, token);
          expect(refused.status).toBe(403);
          expect(await refused.text()).toContain('FORBIDDEN');
        }
      }
    });

    it.each(['gateway', 'telemetry'])('leave /health and /health/ping public on the %s', async (service) => {
      for (const t of [prod, opened]) {
        for (const path of ['/health', '/health/ping']) {
          const response = await get(`${origin(t, service)}${path}`);
          expect(response.status).toBe(200);
          expect(await response.json()).toMatchObject({ service });
        }
      }
    });
  });

  describe('the playground', () => {
    it('is off by default: a browser gets no page at /graphql', async () => {
      const page = await fetch(prod.url, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
      expect(await page.text()).not.toMatch(/<!doctype html>/i);
    });

    it('is served when PLAYGROUND_ENABLED=true', async () => {
      const page = await fetch(opened.url, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<!doctype html>/i);
    });
  });

  describe('CORS', () => {
    const preflight = (t: TestSystem, origin: string) =>
      fetch(t.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const post = (t: TestSystem, origin: string) =>
      fetch(t.url, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });

    it('does not let an unknown origin in, by default or with a list', async () => {
      for (const t of [prod, opened]) {
        for (const response of [await preflight(t, UNKNOWN_ORIGIN), await post(t, UNKNOWN_ORIGIN)]) {
          expect(response.headers.get('access-control-allow-origin')).toBeNull();
          expect(response.headers.get('access-control-allow-credentials')).toBeNull();
        }
      }
    });

    it('lets a listed origin in, without credentials', async () => {
      for (const response of [await preflight(opened, APP_ORIGIN), await post(opened, APP_ORIGIN)]) {
        expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      }
      expect((await preflight(prod, APP_ORIGIN)).headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});
