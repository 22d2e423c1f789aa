import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { print } from 'graphql';
import type { Client, SubscribePayload } from 'graphql-ws';
import WebSocket from 'ws';
import { loadManifest } from '../gateway/persisted/allow-list.js';
import { LoginDocument, MeDocument, RegisterDocument } from './generated/graphql.js';
import { errorCodes, postJson } from './client.js';
import { liveClient, operationErrors, VEHICLE_TELEMETRY } from './live.js';
import { PRODUCTION_SECRETS, startTestSystem, type TestSystem } from './harness.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
const manifestHashOf = (text: string) =>
  Object.entries(loadManifest()).find(([, registered]) => registered === text)?.[0];

interface Outcome {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}
const codesOf = (outcome: Outcome) => (outcome.errors ?? []).map((e) => e.extensions?.code);

/** One operation over graphql-ws, its payload as given (graphql-ws's client sends `query: ''` for a hash alone). */
function overSocket(client: Client, payload: SubscribePayload): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const outcome: Outcome = {};
    client.subscribe(payload, {
      next: (result) => Object.assign(outcome, result),
      error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
      complete: () => resolve(outcome),
    });
  });
}

/** A raw graphql-transport-ws subscribe with no `query` at all: the messages it got back until done. */
async function rawHashOnly(url: string, token: string, hash: string) {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const messages: { type: string; payload?: any }[] = [];
  const closed = once(socket, 'close');
  try {
    await once(socket, 'open');
    const done = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string; payload?: any };
        if (message.type === 'connection_ack')
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: persisted(hash) }));
        else messages.push(message);
        if (message.type === 'complete' || message.type === 'error') resolve();
      }),
    );
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await Promise.race([done, closed]);
    return { messages, open: socket.readyState === WebSocket.OPEN };
  } finally {
    socket.close();
  }
}

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

  it('runs an operation by hash alone over the WebSocket from the APQ store, and answers an unknown hash PERSISTED_QUERY_NOT_FOUND', async () => {
    const email = `ws-apq-${Date.now()}@clutch.test`;
    const registered = await dev.request(RegisterDocument, {
      input: { email, password: 'long-enough-pass-1', name: 'WS APQ' },
    });
    const token = registered.data!.register.accessToken;
    const text = 'query WsByHash { me { email } }';
    const hash = sha256(text);
    const client = liveClient(dev.url, token);
    try {
      const unknown = await overSocket(client, { query: '', ...persisted(hash) });
      expect(codesOf(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(unknown.data).toBeUndefined();
      // Registered over HTTP, then run by hash alone over the socket that was refused (it stayed open).
      const overHttp = await postJson(dev.url, { query: text, ...persisted(hash) }, { token });
      expect(overHttp.errors).toBeUndefined();
      const byHash = await overSocket(client, { query: '', ...persisted(hash) });
      expect(byHash).toEqual({ data: { me: { email } } });
      // A text sent with its hash over the socket is registered there, as over HTTP.
      const other = 'query WsRegisters { me { name } }';
      expect(await overSocket(client, { query: other, ...persisted(sha256(other)) })).toEqual({
        data: { me: { name: 'WS APQ' } },
      });
      const otherByHash = await postJson(dev.url, persisted(sha256(other)), { token });
      expect(otherByHash.data).toEqual({ me: { name: 'WS APQ' } });
      // A wrong hash is a client error here too, and registers nothing.
      const wrong = await overSocket(client, { query: 'query WsWrong { me { id } }', ...persisted(sha256('x')) });
      expect(codesOf(wrong)).toEqual(['BAD_REQUEST']);
      expect(codesOf(await overSocket(client, { query: '', ...persisted(sha256('x')) }))).toEqual([
        'PERSISTED_QUERY_NOT_FOUND',
      ]);
    } finally {
      await client.dispose();
    }
    // A message with no query at all (graphql-ws would close the socket 4400 on it) runs by its hash.
    const raw = await rawHashOnly(dev.url, token, hash);
    expect(raw.messages).toEqual([
      { id: '1', type: 'next', payload: { data: { me: { email } } } },
      { id: '1', type: 'complete' },
    ]);
    const rawUnknown = await rawHashOnly(dev.url, token, sha256('never sent'));
    expect(rawUnknown.messages.map((m) => m.payload?.[0]?.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(rawUnknown.open).toBe(true);
  });

  it('in production with GRAPHQL_PERSISTED_ONLY, runs a listed operation by hash alone over the WebSocket and registers no other', async () => {
    const email = `ws-listed-${Date.now()}@clutch.test`;
    const registered = await prod.request(RegisterDocument, {
      input: { email, password: 'long-enough-pass-1', name: 'WS Listed' },
    });
    const client = liveClient(prod.url, registered.data!.register.accessToken);
    try {
      const me = await overSocket(client, { query: '', ...persisted(manifestHashOf(print(MeDocument))!) });
      expect(me.errors).toBeUndefined();
      expect(me.data).toMatchObject({ me: { email, name: 'WS Listed' } });
      // Unlisted: refused with its text and hash, and so never registered for a later hash-only call.
      const adHoc = '{ me { id email } }';
      expect(codesOf(await overSocket(client, { query: adHoc, ...persisted(sha256(adHoc)) }))).toEqual(['FORBIDDEN']);
      expect(codesOf(await overSocket(client, { query: '', ...persisted(sha256(adHoc)) }))).toEqual([
        'PERSISTED_QUERY_NOT_FOUND',
      ]);
    } finally {
      await client.dispose();
    }
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
