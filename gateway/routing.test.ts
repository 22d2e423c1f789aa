import { startTestSystem, type TestSystem } from '../test/harness.js';

/*
 * What answers which request on the gateway's HTTP port: POST /graphql goes straight to the
 * GraphQL chain (server.ts), everything else through the routes as before. Pinned through the
 * whole system, with the metrics label each request is counted under.
 */
describe('gateway routing', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ PLAYGROUND_ENABLED: 'true' });
  }, 60_000);
  afterAll(() => t?.stop());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(new URL(path, t.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const codeOf = async (response: Response) =>
    ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code;
  const durationCounts = async () => {
    const text = await (await fetch(new URL('/metrics', t.baseUrl))).text();
    const counts = new Map<string, number>();
    for (const [, labels, count] of text.matchAll(/^http_request_duration_seconds_count\{([^}]*)\} (\d+)/gm))
      counts.set(labels!, Number(count));
    return counts;
  };

  it('answers POST /graphql with GraphQL, with its security headers, counted as before', async () => {
    const before = await durationCounts();
    const response = await post('/graphql', JSON.stringify({ query: '{ __typename }' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const after = await durationCounts();
    const grown = [...after].filter(([labels, n]) => n > (before.get(labels) ?? 0)).map(([labels]) => labels);
    // Counted where Apollo answers it: Express has trimmed the mount path by then, as it always had.
    const posts = grown.filter((labels) => labels.includes('method="POST"'));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain('route="other"');
    expect(posts[0]).toContain('status="200"');
  });

  it('refuses a malformed or oversized body on POST /graphql and /graphql/ with their codes', async () => {
    for (const path of ['/graphql', '/graphql/']) {
      const bad = await post(path, '{"query": ');
      expect(bad.status).toBe(400);
      expect(await codeOf(bad)).toBe('BAD_USER_INPUT');
    }
    const big = await post('/graphql', JSON.stringify({ query: `{ __typename } #${'x'.repeat(200_000)}` }));
    expect(big.status).toBe(413);
    expect(await codeOf(big)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a bad credential on POST /graphql before GraphQL (401 UNAUTHENTICATED)', async () => {
    const response = await post('/graphql', JSON.stringify({ query: '{ __typename }' }), {
      authorization: 'Bearer not-a-token',
    });
    expect(response.status).toBe(401);
    expect(await codeOf(response)).toBe('UNAUTHENTICATED');
  });

  it('still serves GET /graphql: the playground to a browser, a GET query to a client', async () => {
    const page = await fetch(new URL('/graphql', t.baseUrl), { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const query = await fetch(new URL('/graphql?query=%7B__typename%7D', t.baseUrl), {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(query.status).toBe(200);
    expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('leaves the other routes as they were (health, unknown paths)', async () => {
    expect((await fetch(new URL('/health/ping', t.baseUrl))).status).toBe(200);
    expect((await post('/health/ping', '{}')).status).toBe(404);
    expect((await post('/nowhere', '{}')).status).toBe(404);
  });
});
