import { getIntrospectionQuery } from 'graphql';
import { LoginDocument, RegisterDocument } from './generated/graphql.js';
import { errorCodes, postJson } from './client.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';

describe('introspection and the playground', () => {
  let dev: TestSystem;
  let prod: TestSystem;
  beforeAll(async () => {
    dev = await startTestSystem();
    prod = await startTestSystem({
      NODE_ENV: 'production',
      JWT_SECRET: 'j'.repeat(40),
      INTERNAL_SECRET: 'i'.repeat(40),
    });
  });
  afterAll(async () => {
    await dev.stop();
    await prod.stop();
  });

  it('lets anyone introspect in development', async () => {
    const response = await postJson(dev.url, { query: getIntrospectionQuery() });
    expect(response.errors).toBeUndefined();
    expect(response.data.__schema.queryType.name).toBe('Query');
  });

  it('limits introspection to admins in production', async () => {
    const anonymous = await postJson(prod.url, { query: '{ __schema { types { name } } }' });
    expect(errorCodes(anonymous)).toEqual(['FORBIDDEN']);
    expect(anonymous.data ?? null).toBeNull();
    const customer = (
      await prod.request(RegisterDocument, {
        input: { email: 'intro@example.com', password: 'a-long-password', name: 'I' },
      })
    ).data!.register.accessToken;
    expect(
      errorCodes(await postJson(prod.url, { query: '{ __type(name: "User") { name } }' }, { token: customer })),
    ).toEqual(['FORBIDDEN']);
    const admin = (await prod.request(LoginDocument, ADMIN)).data!.login.accessToken;
    const allowed = await postJson(prod.url, { query: getIntrospectionQuery() }, { token: admin });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data.__schema.types.length).toBeGreaterThan(10);
  });

  it('serves the offline playground to browsers, with a strict CSP, and JSON to GraphQL clients', async () => {
    const page = await fetch(dev.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<!doctype html>');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const api = await fetch(`${dev.url}?query=${encodeURIComponent('{ me { id } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await api.json()).toEqual({ data: { me: null } });
  });
});
