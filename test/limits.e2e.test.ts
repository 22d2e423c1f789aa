import { errorCodes, postJson } from './client.js';
import { startTestSystem, type TestSystem } from './harness.js';

let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem();
});
afterAll(() => t.stop());

async function expectStillServing() {
  const response = await postJson(t.url, { query: '{ me { id } }' });
  expect(response.status).toBe(200);
  expect(response.data).toEqual({ me: null });
}

/** Refused before execution: nothing reaches a subgraph, so no data comes back at all. */
function expectRefused(response: Awaited<ReturnType<typeof postJson>>, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(errorCodes(response)).toContain(code);
  expect(response.data ?? null).toBeNull();
}

describe('gateway limits at their defaults', () => {
  it('refuses a query 50 deep with QUERY_TOO_DEEP (limit 12)', async () => {
    const query = `{ users { edges { node { ${'x { '.repeat(47)}id${' }'.repeat(47)} } } } }`;
    expectRefused(await postJson(t.url, { query }), 400, 'QUERY_TOO_DEEP');
    await expectStillServing();
  });

  it('refuses 1,000 aliases with TOO_MANY_ALIASES (limit 15), and 16 as well', async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expectRefused(await postJson(t.url, { query: aliases(1000) }), 400, 'TOO_MANY_ALIASES');
    expectRefused(await postJson(t.url, { query: aliases(16) }), 400, 'TOO_MANY_ALIASES');
    const fifteen = await postJson(t.url, { query: aliases(15) });
    expect(fifteen.status).toBe(200);
    expect(Object.keys(fifteen.data)).toHaveLength(15);
  });

  it('refuses 100,000 tokens with TOO_MANY_TOKENS (limit 5000)', async () => {
    // Punctuators are one byte each, so 100,000 tokens still fit under the body limit.
    const query = `{ me { id } ${'!'.repeat(100_000)} }`;
    expectRefused(await postJson(t.url, { query }), 400, 'TOO_MANY_TOKENS');
    await expectStillServing();
  });

  it('refuses a batch of 100 operations with BATCH_TOO_LARGE (limit 10) and serves a batch of 2', async () => {
    const batch = Array.from({ length: 100 }, () => ({ query: '{ me { id } }' }));
    expectRefused(await postJson(t.url, batch), 400, 'BATCH_TOO_LARGE');
    const small = await postJson(t.url, [{ query: '{ me { id } }' }, { query: '{ me { email } }' }]);
    expect(small.status).toBe(200);
    expect(small.data).toEqual([{ data: { me: null } }, { data: { me: null } }]);
  });

  it('refuses a 10 MB body with PAYLOAD_TOO_LARGE (limit 100 KiB)', async () => {
    const body = JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(10 * 1024 * 1024) } });
    expectRefused(await postJson(t.url, body), 413, 'PAYLOAD_TOO_LARGE');
    await expectStillServing();
  });

  it('refuses a body that is not JSON with BAD_USER_INPUT', async () => {
    expectRefused(await postJson(t.url, '{"query": '), 400, 'BAD_USER_INPUT');
  });

  it('refuses a GET without a CSRF-safe header (CSRF prevention)', async () => {
    const response = await fetch(`${t.url}?query=${encodeURIComponent('{ me { id } }')}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
  });
});

describe('gateway limits set through configuration', () => {
  it('applies GRAPHQL_MAX_ALIASES and GRAPHQL_MAX_TOKENS from the environment', async () => {
    const custom = await startTestSystem({
      GRAPHQL_MAX_ALIASES: '2000',
      GRAPHQL_MAX_TOKENS: '20000',
      GRAPHQL_MAX_COST: '100000',
    });
    try {
      const query = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
      const response = await postJson(custom.url, { query });
      expect(response.status).toBe(200);
      expect(Object.keys(response.data)).toHaveLength(1000);
      const tight = await startTestSystem({ GRAPHQL_MAX_ALIASES: '2' });
      try {
        expectRefused(
          await postJson(tight.url, { query: '{ a: me { id } b: me { id } c: me { id } }' }),
          400,
          'TOO_MANY_ALIASES',
        );
      } finally {
        await tight.stop();
      }
    } finally {
      await custom.stop();
    }
  });
});
