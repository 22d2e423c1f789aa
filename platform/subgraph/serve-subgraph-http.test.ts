import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { capturedLogger } from '../../test/captured-logger.js';
import { RawHttpConnection } from '../../test/raw-http.js';
import { CLIENT_IP_HEADER, INTERNAL_SECRET_HEADER, VIEWER_HEADER, encodeViewer, type Viewer } from '../auth/viewer.js';
import type { SubgraphContext } from './context.js';
import { serveSubgraph, type RunningSubgraph } from './serve-subgraph.js';

/*
 * What a subgraph's POST /graphql answers, byte for byte where it matters (status, headers, body,
 * log lines, metric labels), on the way in (drain, secret, body) and out (Apollo's answer). Pinned
 * on the Express middleware chain, so that a cheaper path in front of it must answer the same.
 */

const SECRET = 'internal-secret-for-this-test-only-0123456789';
const LIMIT = 300;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Answer {
  status: number;
  headers: Record<string, string>;
  /** Header names in the order they were sent. */
  names: string[];
  body: string;
}

function send(url: string, method: string, path: string, headers: Record<string, string>, body?: Buffer | string) {
  const { hostname, port } = new URL(url);
  const payload = body === undefined ? undefined : Buffer.from(body);
  const sent = payload ? { 'content-length': String(payload.length), ...headers } : headers;
  return new Promise<Answer>((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, method, path, headers: sent, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode!,
          headers: response.headers as Record<string, string>,
          names: response.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase()),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/** The first line of the stack Express's final handler shows outside production. */
const errorPage = (body: string) => /<pre>([^<]*)<br>/.exec(body)?.[1];

describe("a subgraph's POST /graphql", () => {
  const ran: SubgraphContext[] = [];
  const { lines, logger } = capturedLogger('info');
  let running: RunningSubgraph;
  let failing: RunningSubgraph;
  let base: string;

  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const post = (body: Buffer | string, headers: Record<string, string> = {}, path = '/graphql') =>
    send(
      running.url,
      'POST',
      path,
      { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: SECRET, ...headers },
      body,
    );
  /** Counts of http_request_duration_seconds by `method route status`. */
  const requestCounts = async (url = base) => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const counts: Record<string, number> = {};
    for (const [, labels, count] of text.matchAll(/^http_request_duration_seconds_count\{([^}]*)\} (\d+)$/gm)) {
      const get = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels!)?.[1];
      if (get('route') === '/metrics') continue;
      counts[`${get('method')} ${get('route')} ${get('status')}`] = Number(count);
    }
    return counts;
  };

  beforeAll(async () => {
    const schema = buildSubgraphSchema({
      typeDefs: parse('type Query { ok: Boolean whoami: String }'),
      resolvers: {
        Query: {
          ok: () => true,
          whoami: (_: unknown, __: unknown, untyped: unknown) => {
            const context = untyped as SubgraphContext;
            ran.push(context);
            context.logger.info('resolver ran');
            return JSON.stringify({ viewer: context.viewer, requestId: context.requestId, clientIp: context.clientIp });
          },
        },
      },
    });
    const options = { host: '127.0.0.1', port: 0, internalSecret: SECRET, logger, bodyLimitBytes: LIMIT };
    running = await serveSubgraph({ name: 'http-test', schema }, options);
    failing = await serveSubgraph(
      {
        name: 'http-failing',
        schema,
        context: () => {
          throw new Error('context failed');
        },
      },
      options,
    );
    base = running.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await running.stop();
    await failing.stop();
  });
  beforeEach(() => {
    lines.length = 0;
    ran.length = 0;
  });

  it("answers the gateway's call through Apollo with its context, request id, logger and metric", async () => {
    const before = await requestCounts();
    const viewer: Viewer = { kind: 'user', userId: 'u-1', roles: ['CUSTOMER'] };
    const answer = await post(JSON.stringify({ query: '{ whoami }' }), {
      'x-request-id': 'request-id-0001',
      [VIEWER_HEADER]: encodeViewer(viewer),
      [CLIENT_IP_HEADER]: '203.0.113.9',
    });
    const body = `${JSON.stringify({
      data: { whoami: JSON.stringify({ viewer, requestId: 'request-id-0001', clientIp: '203.0.113.9' }) },
    })}\n`;
    expect(answer).toEqual({
      status: 200,
      headers: {
        'x-request-id': 'request-id-0001',
        'cache-control': 'no-store',
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        date: expect.any(String),
        connection: 'close',
      },
      names: ['x-request-id', 'cache-control', 'content-type', 'content-length', 'date', 'connection'],
      body,
    });
    expect(logged()).toEqual([
      expect.objectContaining({ level: 'info', subgraph: 'http-test', reqId: 'request-id-0001', msg: 'resolver ran' }),
    ]);
    // Answers from Apollo are labelled by Express's path inside the /graphql mount, not /graphql.
    const after = await requestCounts();
    expect(after['POST other 200']).toBe((before['POST other 200'] ?? 0) + 1);
    expect(Object.keys(after).filter((key) => after[key] !== before[key])).toEqual(['POST other 200']);
  });

  it('keeps a sane request id and replaces any other', async () => {
    for (const given of ['short', 'has spaces in it', 'x'.repeat(129)]) {
      const answer = await post(JSON.stringify({ query: '{ whoami }' }), { 'x-request-id': given });
      expect(answer.headers['x-request-id']).toMatch(UUID);
      expect(JSON.parse(JSON.parse(answer.body).data.whoami).requestId).toBe(answer.headers['x-request-id']);
    }
    const kept = await post(JSON.stringify({ query: '{ ok }' }), { 'x-request-id': 'a.b:c_d-0123' });
    expect(kept.headers['x-request-id']).toBe('a.b:c_d-0123');
  });

  it('refuses a call without the internal secret before reading the body, with a warning and a metric', async () => {
    const before = await requestCounts();
    for (const secret of [undefined, 'wrong', `${SECRET}x`]) {
      lines.length = 0;
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': 'request-id-0403' };
      if (secret) headers[INTERNAL_SECRET_HEADER] = secret;
      const answer = await send(running.url, 'POST', '/graphql', headers, JSON.stringify({ query: '{ whoami }' }));
      const body = JSON.stringify({
        errors: [{ message: 'Subgraphs only accept calls from the gateway', extensions: { code: 'FORBIDDEN' } }],
      });
      expect(answer).toEqual({
        status: 403,
        headers: {
          'x-request-id': 'request-id-0403',
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(body.length),
          etag: 'W/"69-YySFYbTxjbegZKcmxy6eO60AoMs"',
          date: expect.any(String),
          connection: 'close',
        },
        names: ['x-request-id', 'content-type', 'content-length', 'etag', 'date', 'connection'],
        body,
      });
      expect(logged()).toEqual([
        expect.objectContaining({
          level: 'warn',
          subgraph: 'http-test',
          reqId: 'request-id-0403',
          path: '/',
          ip: '127.0.0.1',
          msg: 'refused call without the internal secret',
        }),
      ]);
    }
    // Refused before the body is read: one too large or malformed gets the same 403.
    expect(
      (await send(running.url, 'POST', '/graphql', { 'content-type': 'application/json' }, 'x'.repeat(LIMIT + 1)))
        .status,
    ).toBe(403);
    expect((await send(running.url, 'POST', '/graphql', { 'content-type': 'application/json' }, '{')).status).toBe(403);
    expect(ran).toEqual([]);
    const after = await requestCounts();
    expect(after['POST other 403']).toBe((before['POST other 403'] ?? 0) + 5);
  });

  it("answers a body Express's JSON parser refuses with its error page, status and metric", async () => {
    const cases: [string, Buffer | string, Record<string, string>, number, string][] = [
      [
        'too large',
        JSON.stringify({ query: `{ ok ${' '.repeat(LIMIT)}}` }),
        {},
        413,
        'PayloadTooLargeError: request entity too large',
      ],
      ['truncated', '{"query": ', {}, 400, 'SyntaxError: Unexpected end of JSON input'],
      [
        'malformed',
        '{"query": nope}',
        {},
        400,
        'SyntaxError: Unexpected token &#39;o&#39;, &quot;{&quot;query&quot;: nope}&quot; is not valid JSON',
      ],
      [
        'not an object',
        '"str"',
        {},
        400,
        'SyntaxError: Unexpected token &#39;&quot;&#39;, &quot;&quot;str&quot;&quot; is not valid JSON',
      ],
      ['a number', ' 12', {}, 400, 'SyntaxError: Unexpected token &#39;1&#39;, &quot; 12&quot; is not valid JSON'],
      [
        'another charset',
        '{}',
        { 'content-type': 'application/json; charset=latin1' },
        415,
        'UnsupportedMediaTypeError: unsupported charset &quot;LATIN1&quot;',
      ],
      [
        'an unknown encoding',
        '{}',
        { 'content-encoding': 'compress' },
        415,
        'UnsupportedMediaTypeError: unsupported content encoding &quot;compress&quot;',
      ],
      ['a bad gzip', 'not gzip', { 'content-encoding': 'gzip' }, 400, 'BadRequestError: Bad Request'],
    ];
    for (const [name, body, headers, status, first] of cases) {
      const before = await requestCounts();
      const answer = await post(body, { 'x-request-id': 'request-id-0400', ...headers });
      expect([name, answer.status, errorPage(answer.body)]).toEqual([name, status, first]);
      expect(answer.headers).toEqual({
        'x-request-id': 'request-id-0400',
        'content-security-policy': "default-src 'none'",
        'x-content-type-options': 'nosniff',
        'content-type': 'text/html; charset=utf-8',
        'content-length': String(Buffer.byteLength(answer.body)),
        date: expect.any(String),
        connection: 'close',
      });
      expect(answer.body).toMatch(
        /^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error<\/title>/,
      );
      // Errors reach Express's final handler with the mount's path restored: labelled /graphql.
      const after = await requestCounts();
      expect(Object.keys(after).filter((key) => after[key] !== before[key])).toEqual([`POST /graphql ${status}`]);
    }
    expect(ran).toEqual([]);
    expect(logged()).toEqual([]);
  });

  it('parses the bodies Express parses: gzip, a BOM, whitespace, a utf-8 charset, a query string', async () => {
    const query = JSON.stringify({ query: '{ ok }' });
    const ok = `${JSON.stringify({ data: { ok: true } })}\n`;
    expect((await post(gzipSync(query), { 'content-encoding': 'gzip' })).body).toBe(ok);
    expect((await post(`\uFEFF${query}`)).body).toBe(ok);
    expect((await post(`\r\n\t ${query} \n`)).body).toBe(ok);
    expect((await post(query, { 'content-type': 'application/json; charset=utf-8' })).body).toBe(ok);
    expect((await post(query, { 'content-type': 'Application/JSON; Charset=UTF-8' })).body).toBe(ok);
    expect((await post(query, { 'content-type': 'application/json;charset=utf-8' })).body).toBe(ok);
    expect((await post(query, {}, '/graphql?x=1')).body).toBe(ok);
    expect((await post(query, {}, '/graphql/')).body).toBe(ok);
  });

  it("leaves other bodies to Apollo's answers", async () => {
    const before = await requestCounts();
    const missing = `${JSON.stringify({
      errors: [
        {
          message: 'POST body missing, invalid Content-Type, or JSON object has no keys.',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    })}\n`;
    const empty = await post('');
    expect([empty.status, empty.body, empty.names]).toEqual([
      400,
      missing,
      ['x-request-id', 'content-type', 'content-length', 'date', 'connection'],
    ]);
    expect((await post('{}')).body).toBe(missing);
    const csrf = await post(JSON.stringify({ query: '{ ok }' }), { 'content-type': 'text/plain' });
    expect([csrf.status, JSON.parse(csrf.body).errors[0].message]).toEqual([
      400,
      expect.stringContaining('Cross-Site Request Forgery'),
    ]);
    const noType = await send(
      running.url,
      'POST',
      '/graphql',
      { [INTERNAL_SECRET_HEADER]: SECRET },
      JSON.stringify({ query: '{ ok }' }),
    );
    expect(noType.status).toBe(400);
    const batch = await post(JSON.stringify([{ query: '{ ok }' }]));
    expect([batch.status, JSON.parse(batch.body).errors[0].extensions.code]).toEqual([400, 'BAD_REQUEST']);
    const get = (headers: Record<string, string>) =>
      send(running.url, 'GET', '/graphql?query=%7Bok%7D', { [INTERNAL_SECRET_HEADER]: SECRET, ...headers });
    expect((await get({ 'apollo-require-preflight': 'true' })).body).toBe(
      `${JSON.stringify({ data: { ok: true } })}\n`,
    );
    expect((await get({})).status).toBe(400);
    expect(ran).toEqual([]);
    const after = await requestCounts();
    expect(after['POST other 400']).toBe((before['POST other 400'] ?? 0) + 5);
    expect(after['GET other 200']).toBe((before['GET other 200'] ?? 0) + 1);
    expect(after['GET other 400']).toBe((before['GET other 400'] ?? 0) + 1);
  });

  it('warns about a request that fails with a 5xx, with its status and path', async () => {
    const failingBase = failing.url.replace(/\/graphql$/, '');
    const before = await requestCounts(failingBase);
    const answer = await send(
      failing.url,
      'POST',
      '/graphql',
      { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: SECRET, 'x-request-id': 'request-id-0500' },
      JSON.stringify({ query: '{ ok }' }),
    );
    expect([answer.status, answer.headers['x-request-id'], answer.headers['content-type']]).toEqual([
      500,
      'request-id-0500',
      'application/json; charset=utf-8',
    ]);
    expect(logged()).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        subgraph: 'http-failing',
        reqId: 'request-id-0500',
        status: 500,
        path: '/',
        msg: 'request failed',
      }),
    );
    const after = await requestCounts(failingBase);
    expect(after['POST other 500']).toBe((before['POST other 500'] ?? 0) + 1);
  });
});

describe('a stopping subgraph', () => {
  it('refuses /graphql with 503 before giving the request an id', async () => {
    const schema = buildSubgraphSchema({
      typeDefs: parse('type Query { slow: String }'),
      resolvers: { Query: { slow: () => new Promise((resolve) => setTimeout(() => resolve('done'), 300)) } },
    });
    const { logger } = capturedLogger('info');
    const running = await serveSubgraph(
      { name: 'http-drain-test', schema },
      { host: '127.0.0.1', port: 0, internalSecret: SECRET, logger },
    );
    const connection = await RawHttpConnection.open(running.url);
    try {
      const headers = { [INTERNAL_SECRET_HEADER]: SECRET };
      connection.post(running.url, { query: '{ slow }' }, headers);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stopping = running.stop();
      connection.post(running.url, { query: '{ slow }' }, headers);
      expect((await connection.response()).status).toBe(200);
      const refused = await connection.response();
      const body = JSON.stringify({
        errors: [
          {
            message: 'The server is shutting down; send the request again on a new connection',
            extensions: { code: 'SERVICE_UNAVAILABLE' },
          },
        ],
      });
      expect(refused).toEqual({
        status: 503,
        headers: {
          connection: 'close',
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(body.length),
          etag: 'W/"8e-19HNqiwCnF4WBQQAZwo6C3I3oPY"',
          date: expect.any(String),
        },
        body,
      });
      await stopping;
    } finally {
      connection.destroy();
    }
  });
});
