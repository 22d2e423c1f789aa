import { createHash } from 'node:crypto';
import { print } from 'graphql';
import { loadManifest } from '../gateway/persisted/allow-list.js';
import { LoginDocument, MeDocument, RegisterDocument } from './generated/graphql.js';
import { errorCodes, postJson } from './client.js';
import { liveClient, operationErrors, VEHICLE_TELEMETRY } from './live.js';
import { PRODUCTION_SECRETS, startTestSystem, type TestSystem } from './harness.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
const manifestHashOf = (text: string) =>
  Object.entries(loadManifest()).find(([, registered]) => registered === text)?.[0];

describe('persisted operations', () => {
  let dev: TestSystem;
  let prod: TestSystem;
  beforeAll(async () => {
    dev = await startTestSystem();
    prod = await startTestSystem({ NODE_ENV: 'production', ...PRODUCTION_SECRETS, GRAPHQL_PERSISTED_ONLY: 'true' });
  });
  afterAll(async () => {
    await dev?.stop();
    await prod?.stop();
  });

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND, and runs it by hash once registered (APQ)', async () => {
    const query = '{ me { id } }';
    const hash = sha256(query);
    const unknown = await postJson(dev.url, persisted(hash));
    expect(errorCodes(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(unknown.data).toBeUndefined();

    const registered = await postJson(dev.url, { query, ...persisted(hash) });
    expect(registered.errors).toBeUndefined();
    expect(registered.data).toEqual({ me: null });
    const byHash = await postJson(dev.url, persisted(hash));
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data).toEqual({ me: null });
  });

  it('answers a hash that does not match its text with BAD_REQUEST (400), running and registering nothing', async () => {
    const email = `wrong-sha-${Date.now()}@clutch.test`;
    const mutation =
      'mutation ($email: String!) { register(input: { email: $email, password: "long-enough-pass-1", name: "X" }) { accessToken } }';
    const wrongHash = sha256('{ me { id name } }');
    const response = await postJson(dev.url, { query: mutation, variables: { email }, ...persisted(wrongHash) });
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_REQUEST']);
    expect(response.errors?.[0]?.message).toBe('provided sha does not match query');
    expect(response.data).toBeUndefined();
    // Nothing ran: the account does not exist.
    const login = await postJson(dev.url, {
      query: print(LoginDocument),
      variables: { email, password: 'long-enough-pass-1' },
    });
    expect(errorCodes(login)).toEqual(['UNAUTHENTICATED']);
    // Nothing was registered under either hash.
    expect(errorCodes(await postJson(dev.url, persisted(wrongHash)))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(errorCodes(await postJson(dev.url, persisted(sha256(mutation))))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('in production with GRAPHQL_PERSISTED_ONLY, runs codegen operations by text or by hash alone', async () => {
    const text = print(MeDocument);
    const hash = manifestHashOf(text);
    expect(hash).toBeDefined();
    const byText = await postJson(prod.url, { query: text });
    expect(byText.errors).toBeUndefined();
    expect(byText.data).toEqual({ me: null });
    // Never sent before: the manifest supplies the text.
    const byHash = await postJson(prod.url, { operationName: 'Me', ...persisted(hash!) });
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data).toEqual({ me: null });
  });

  it('in production with GRAPHQL_PERSISTED_ONLY, refuses any other operation (FORBIDDEN) before it runs', async () => {
    const adHoc = await postJson(prod.url, { query: '{ me { id email } }' });
    expect(adHoc.status).toBe(403);
    expect(errorCodes(adHoc)).toEqual(['FORBIDDEN']);
    expect(adHoc.data).toBeUndefined();

    const email = `adhoc-${Date.now()}@clutch.test`;
    const register = await postJson(prod.url, {
      query:
        'mutation ($email: String!) { register(input: { email: $email, password: "long-enough-pass-1", name: "X" }) { accessToken } }',
      variables: { email },
    });
    expect(errorCodes(register)).toEqual(['FORBIDDEN']);
    expect(register.data).toBeUndefined();
    // Nothing was stored: the account does not exist.
    const login = await postJson(prod.url, {
      query: print(LoginDocument),
      variables: { email, password: 'long-enough-pass-1' },
    });
    expect(errorCodes(login)).toEqual(['UNAUTHENTICATED']);
    // APQ cannot slip one in either: an unregistered text with its hash is refused the same way.
    const apq = await postJson(prod.url, { query: '{ me { id } }', ...persisted(sha256('{ me { id } }')) });
    expect(errorCodes(apq)).toEqual(['FORBIDDEN']);
  });

  it('in production with GRAPHQL_PERSISTED_ONLY, refuses unregistered operations over the WebSocket too (FORBIDDEN)', async () => {
    const registered = await prod.request(RegisterDocument, {
      input: { email: `ws-${Date.now()}@clutch.test`, password: 'long-enough-pass-1', name: 'WS' },
    });
    expect(registered.errors).toBeUndefined();
    const client = liveClient(prod.url, registered.data!.register.accessToken);
    try {
      const query = await operationErrors(client, '{ me { id email } }');
      expect(query.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      const subscription = await operationErrors(client, VEHICLE_TELEMETRY, { id: '0123456789abcdef01234567' });
      expect(subscription.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      // Refused as unregistered, before the vehicle is even looked up.
      expect(subscription.map((e) => e.message)).toEqual(['Only registered operations are accepted here']);
    } finally {
      await client.dispose();
    }
  });
});
