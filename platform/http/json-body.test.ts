import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { plainJsonLength, readJsonBody } from './json-body.js';

/*
 * readJsonBody against the parser it stands in for: each body goes once through
 * `express.json({ limit })` and once through plainJsonLength + readJsonBody, on real requests.
 */

const LIMIT = 200;
type Outcome = { body: string; proto?: boolean } | { error: Record<string, unknown> };

const describeError = (error: Record<string, unknown> & Error) => ({
  name: error.name,
  message: error.message,
  firstStackLine: error.stack?.split('\n', 1)[0],
  ...Object.fromEntries(
    ['status', 'statusCode', 'expose', 'type', 'body', 'code', 'expected', 'length', 'received'].map((key) => [
      key,
      error[key],
    ]),
  ),
});

describe('readJsonBody', () => {
  let server: Server;
  let port: number;
  const outcomes: Outcome[] = [];
  const waiters: (() => void)[] = [];
  const record = (outcome: Outcome) => {
    outcomes.push(outcome);
    waiters.splice(0).forEach((wake) => wake());
  };
  const settled = async (count: number) => {
    while (outcomes.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  const express_ = express.json({ limit: LIMIT });
  const ok = (body: unknown): Outcome => ({
    body: JSON.stringify(body),
    proto: typeof body === 'object' && body !== null && Object.getPrototypeOf(body) !== Object.prototype,
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.headers['x-parser'] === 'express') {
        const withBody = req as IncomingMessage & { body?: unknown };
        void express_(req as never, res as never, (error?: unknown) => {
          record(error ? { error: describeError(error as Error & Record<string, unknown>) } : ok(withBody.body));
          res.end();
        });
        return;
      }
      const length = plainJsonLength(req, LIMIT);
      if (length === undefined) throw new Error('not a plain JSON request');
      readJsonBody(req, length, (error, body) => {
        record(error ? { error: describeError(error as unknown as Error & Record<string, unknown>) } : ok(body));
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Sends the body in parts, with a pause between them, then ends (or aborts) the request. */
  const send = (parser: string, parts: Buffer[], { type = 'application/json', abort = false } = {}) =>
    new Promise<void>((resolve) => {
      const length = parts.reduce((sum, part) => sum + part.length, 0) + (abort ? 10 : 0);
      const request = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/graphql',
        agent: false,
        headers: { 'content-type': type, 'content-length': String(length), 'x-parser': parser },
      });
      request.on('error', () => resolve());
      request.on('response', (response) => response.resume().on('end', () => resolve()));
      const next = (i: number) => {
        if (i < parts.length) {
          request.write(parts[i]);
          setTimeout(() => next(i + 1), 20);
        } else if (abort) {
          setTimeout(() => {
            request.destroy();
            resolve();
          }, 20);
        } else request.end();
      };
      next(0);
    });

  const both = async (parts: Buffer[], options?: { type?: string; abort?: boolean }) => {
    const start = outcomes.length;
    await send('express', parts, options);
    await settled(start + 1);
    await send('ours', parts, options);
    await settled(start + 2);
    return [outcomes[start], outcomes[start + 1]];
  };

  const bodies: (string | Buffer)[] = [
    '{"query":"{ ok }","variables":{"a":[1,2.5,null,true]}}',
    '',
    ' ',
    '\t\r\n',
    '{}',
    '[]',
    '[{"query":"{ ok }"}]',
    '"str"',
    '12',
    'true',
    'null',
    'nope',
    ' {"a":1} ',
    '\n\t[1]',
    '{"a":',
    '{"a":1}x',
    '{"a":1,}',
    "{'a':1}",
    '\uFEFF{"a":1}',
    '\uFEFF',
    '\uFEFF "x"',
    '\uFEFF\uFEFF{}',
    '{"a":"é ü 🚗 \\u00e9"}',
    '{"__proto__":{"polluted":true}}',
    Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xe2, 0x82, 0x41, 0xc3]), Buffer.from('"}')]),
    Buffer.from([0xef, 0xbb]),
    `{"big":"${'x'.repeat(LIMIT - 10)}"}`,
  ];

  it.each(bodies.map((body) => [JSON.stringify(String(body)).slice(0, 40), body]))(
    'parses %s as express.json does',
    async (_name, body) => {
      const [theirs, ours] = await both([Buffer.from(body)]);
      expect(ours).toEqual(theirs);
    },
  );

  it('parses a body that arrives in parts, split inside a character, as express.json does', async () => {
    const bytes = Buffer.from('{"query":"{ ok }","name":"🚗🚗"}');
    const cut = bytes.indexOf(Buffer.from('🚗')) + 2;
    const [theirs, ours] = await both([bytes.subarray(0, 5), bytes.subarray(5, cut), bytes.subarray(cut)]);
    expect(ours).toEqual(theirs);
    expect(ours).toEqual({ body: JSON.stringify({ query: '{ ok }', name: '🚗🚗' }), proto: false });
  });

  it('refuses a body whose client goes away as express.json does', async () => {
    const [theirs, ours] = await both([Buffer.from('{"query":')], { abort: true });
    expect(ours).toEqual(theirs);
    expect(ours).toMatchObject({ error: { name: 'BadRequestError', status: 400, type: 'request.aborted' } });
  });

  it('takes only the requests whose headers leave the parser nothing to decide', () => {
    const take = (headers: Record<string, string>) =>
      plainJsonLength({ headers: { 'content-length': '20', ...headers } } as unknown as IncomingMessage, LIMIT);
    expect(take({ 'content-type': 'application/json' })).toBe(20);
    expect(take({ 'content-type': 'application/json; charset=utf-8' })).toBe(20);
    expect(take({ 'content-type': 'application/json', 'content-length': '0' })).toBe(0);
    expect(take({ 'content-type': 'application/json', 'content-length': String(LIMIT) })).toBe(LIMIT);
    for (const headers of [
      {},
      { 'content-type': 'Application/JSON' },
      { 'content-type': 'application/json;charset=utf-8' },
      { 'content-type': 'application/json; charset=latin1' },
      { 'content-type': 'application/json; charset="utf-8"' },
      { 'content-type': 'application/graphql-response+json' },
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      { 'content-type': 'application/json', 'content-encoding': 'identity' },
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      { 'content-type': 'application/json', 'content-length': String(LIMIT + 1) },
      { 'content-type': 'application/json', 'content-length': '1e2' },
      { 'content-type': 'application/json', 'content-length': '-1' },
    ] as Record<string, string>[]) {
      expect([headers, take(headers)]).toEqual([headers, undefined]);
    }
    expect(plainJsonLength({ headers: { 'content-type': 'application/json' } } as IncomingMessage, LIMIT)).toBe(
      undefined,
    );
  });
});
