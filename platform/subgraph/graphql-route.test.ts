import { createServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import express, { type RequestHandler } from 'express';
import { parse } from 'graphql';
import { capturedLogger } from '../../test/captured-logger.js';
import { INTERNAL_SECRET_HEADER, VIEWER_HEADER, decodeViewer, encodeViewer, secretsEqual } from '../auth/viewer.js';
import { apolloExpress } from '../http/apollo-express.js';
import { HttpDrain } from '../http/drain.js';
import { requestContext } from '../http/request-context.js';
import { createMetrics } from '../metrics.js';
import type { SubgraphContext } from './context.js';
import { graphqlRoute } from './graphql-route.js';

/*
 * graphqlRoute against the Express chain it sits in front of (the one serveSubgraph mounts on
 * /graphql): the same requests to both, the same answers, log lines and metric labels; and
 * which requests it leaves to Express.
 */

const SECRET = 'internal-secret-for-this-test-only-0123456789';
const LIMIT = 400;

// A header Node refuses to send makes writing Apollo's answer throw, after Apollo has answered.
const badHeader: ApolloServerPlugin<SubgraphContext> = {
  async requestDidStart({ request }) {
    return {
      async willSendResponse({ response }) {
        if (request.http?.headers.get('x-test-bad-header')) response.http.headers.set('x-bad', 'a\nb');
      },
    };
  },
};

interface Side {
  url: string;
  server: Server;
  drain: HttpDrain;
  lines: string[];
  metrics: ReturnType<typeof createMetrics>;
  fellThrough: string[];
}

describe('graphqlRoute', () => {
  let apollo: ApolloServer<SubgraphContext>;
  let chain: Side;
  let route: Side;

  const context = (headers: Record<string, string | string[] | undefined>, requestId: string, logger: never) => {
    if (headers['x-test-context-throws']) throw new Error('context failed');
    return Promise.resolve({
      viewer: decodeViewer(headers[VIEWER_HEADER] as string | undefined),
      requestId,
      logger,
    } as SubgraphContext);
  };

  /** The Express app as serveSubgraph builds it for /graphql. */
  const expressApp = (drain: HttpDrain, side: Pick<Side, 'metrics'>, logger: never) => {
    const app = express();
    app.disable('x-powered-by');
    app.use(drain.middleware());
    app.use(requestContext(logger, side.metrics));
    const gatewayOnly: RequestHandler = (req, res, next) => {
      if (secretsEqual(req.header(INTERNAL_SECRET_HEADER), SECRET)) return next();
      req.log.warn({ path: req.path, ip: req.ip }, 'refused call without the internal secret');
      res.status(403).json({ errors: [{ message: 'Subgraphs only accept calls from the gateway' }] });
    };
    app.use(
      '/graphql',
      gatewayOnly,
      express.json({ limit: LIMIT }),
      apolloExpress(apollo, { context: ({ req }) => context(req.headers, req.id, req.log as never) }),
    );
    return app;
  };

  const start = async (inFront: boolean): Promise<Side> => {
    const { lines, logger } = capturedLogger('info');
    const drain = new HttpDrain();
    const side = { drain, lines, metrics: createMetrics(inFront ? 'route' : 'chain'), fellThrough: [] as string[] };
    const app = expressApp(drain, side, logger as never);
    const listener: RequestListener = inFront
      ? graphqlRoute({
          apollo,
          drain,
          internalSecret: SECRET,
          bodyLimitBytes: LIMIT,
          logger,
          metrics: side.metrics,
          context: (req, scope) => context(req.headers, scope.id, scope.log as never),
          express: (req, res) => {
            side.fellThrough.push(`${req.method} ${req.url}`);
            app(req, res);
          },
        })
      : app;
    const server = createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { ...side, url, server };
  };

  beforeAll(async () => {
    apollo = new ApolloServer<SubgraphContext>({
      schema: buildSubgraphSchema({
        typeDefs: parse('type Query { ok: Boolean me: String }'),
        resolvers: {
          Query: {
            ok: () => true,
            me: (_: unknown, __: unknown, ctx: unknown) => JSON.stringify((ctx as SubgraphContext).viewer ?? null),
          },
        },
      }),
      plugins: [ApolloServerPluginInlineTraceDisabled(), badHeader],
    });
    await apollo.start();
    chain = await start(false);
    route = await start(true);
  });
  afterAll(async () => {
    for (const side of [chain, route]) await new Promise((resolve) => side.server.close(resolve));
    await apollo.stop();
  });

  const send = (side: Side, method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; headers: string[]; body: string }>((resolve, reject) => {
      const { port } = new URL(side.url);
      const payload = body === undefined ? undefined : Buffer.from(body);
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent: false,
          headers: payload ? { 'content-length': String(payload.length), ...headers } : headers,
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode!,
              // Names and values in order, less what differs on every request.
              headers: response.rawHeaders
                .map((value, i, all) => (i % 2 === 0 ? `${value.toLowerCase()}: ${all[i + 1]}` : ''))
                .filter((line) => line && !/^(date|content-length):/.test(line))
                .map((line) => line.replace(/^(x-request-id: )[0-9a-f-]{36}$/, '$1<uuid>')),
              // An error page's stack lists the frames it was thrown from; its first line stays.
              body: text.replace(/<br>( &nbsp;)+ &nbsp;at [^<]*/g, ''),
            }),
          );
        },
      );
      request.on('error', reject);
      request.end(payload);
    });

  const counts = async (side: Side) => {
    const text = await side.metrics.registry.metrics();
    const found: Record<string, number> = {};
    for (const [, labels, count] of text.matchAll(/^http_request_duration_seconds_count\{([^}]*)\} (\d+)$/gm)) {
      found[labels!.replace(/service="[^"]*",?/, '')] = Number(count);
    }
    return found;
  };
  const logged = (side: Side) =>
    side.lines.splice(0).map((line) => {
      const { time: _time, service: _service, reqId, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return { ...rest, reqId: typeof reqId === 'string' && reqId.length === 36 ? '<uuid>' : reqId };
    });

  const plain = { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: SECRET };
  const requests: [string, string, string, Record<string, string>, string | undefined, boolean][] = [
    // name, method, path, headers, body, whether Express answers it behind graphqlRoute
    ['a plain call', 'POST', '/graphql', { ...plain, 'x-request-id': 'request-id-0001' }, '{"query":"{ ok }"}', false],
    [
      'a viewer',
      'POST',
      '/graphql',
      { ...plain, [VIEWER_HEADER]: encodeViewer({ kind: 'device', deviceId: 'd', vehicleId: 'v' }) },
      '{"query":"{ me }"}',
      false,
    ],
    ['a random id', 'POST', '/graphql', { ...plain, 'x-request-id': 'bad id' }, '{"query":"{ ok }"}', false],
    [
      'a utf-8 charset',
      'POST',
      '/graphql',
      { ...plain, 'content-type': 'application/json; charset=utf-8' },
      '{"query":"{ ok }"}',
      false,
    ],
    [
      'a throw writing the answer',
      'POST',
      '/graphql',
      { ...plain, 'x-test-bad-header': '1' },
      '{"query":"{ ok }"}',
      false,
    ],
    [
      'a context that throws',
      'POST',
      '/graphql',
      { ...plain, 'x-test-context-throws': '1' },
      '{"query":"{ ok }"}',
      false,
    ],
    ['malformed JSON', 'POST', '/graphql', plain, '{"query": ', false],
    ['not an object', 'POST', '/graphql', plain, '"{ ok }"', false],
    ['an empty body', 'POST', '/graphql', plain, '', false],
    ['a GraphQL error', 'POST', '/graphql', plain, '{"query":"{ nope }"}', false],
    ['a batch', 'POST', '/graphql', plain, '[{"query":"{ ok }"}]', false],
    ['a body over the limit', 'POST', '/graphql', plain, `{"query":"{ ok }","x":"${'x'.repeat(LIMIT)}"}`, true],
    ['no secret', 'POST', '/graphql', { 'content-type': 'application/json' }, '{"query":"{ ok }"}', true],
    ['a wrong secret', 'POST', '/graphql', { ...plain, [INTERNAL_SECRET_HEADER]: 'wrong' }, '{"query":"{ ok }"}', true],
    ['text/plain', 'POST', '/graphql', { ...plain, 'content-type': 'text/plain' }, '{"query":"{ ok }"}', true],
    ['no content type', 'POST', '/graphql', { [INTERNAL_SECRET_HEADER]: SECRET }, '{"query":"{ ok }"}', true],
    ['latin1', 'POST', '/graphql', { ...plain, 'content-type': 'application/json; charset=latin1' }, '{}', true],
    ['a query string', 'POST', '/graphql?a=1', plain, '{"query":"{ ok }"}', true],
    [
      'a GET',
      'GET',
      '/graphql?query=%7Bok%7D',
      { [INTERNAL_SECRET_HEADER]: SECRET, 'apollo-require-preflight': '1' },
      undefined,
      true,
    ],
    ['another path', 'POST', '/other', plain, '{}', true],
  ];

  it.each(requests)('answers %s as the Express chain does', async (_name, method, path, headers, body, toExpress) => {
    const before = [await counts(chain), await counts(route)];
    route.fellThrough.length = 0;
    const answers = [await send(chain, method, path, headers, body), await send(route, method, path, headers, body)];
    expect(answers[1]).toEqual(answers[0]);
    expect(logged(route)).toEqual(logged(chain));
    const after = [await counts(chain), await counts(route)];
    const changed = (i: number) =>
      Object.keys(after[i]!)
        .filter((key) => after[i]![key] !== before[i]![key])
        .map((key) => `${key} +${after[i]![key]! - (before[i]![key] ?? 0)}`);
    expect(changed(1)).toEqual(changed(0));
    expect(route.fellThrough).toEqual(toExpress ? [`${method} ${path}`] : []);
  });

  it('answers the throw after Apollo with the final handler, and the plain call with Apollo', async () => {
    const thrown = await send(route, 'POST', '/graphql', { ...plain, 'x-test-bad-header': '1' }, '{"query":"{ ok }"}');
    expect([thrown.status, thrown.body]).toEqual([
      500,
      expect.stringContaining('<pre>TypeError: Invalid character in header content [&quot;x-bad&quot;]</pre>'),
    ]);
    expect(logged(route)).toEqual([expect.objectContaining({ status: 500, path: '/graphql', msg: 'request failed' })]);
    expect(await counts(route)).toMatchObject({ 'method="POST",route="/graphql",status="500"': 2 });
  });

  it('leaves every request to Express once the server is stopping', async () => {
    route.fellThrough.length = 0;
    chain.drain.start();
    route.drain.start();
    const answers = [
      await send(chain, 'POST', '/graphql', plain, '{"query":"{ ok }"}'),
      await send(route, 'POST', '/graphql', plain, '{"query":"{ ok }"}'),
    ];
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[1]!.status).toBe(503);
    expect(route.fellThrough).toEqual(['POST /graphql']);
  });
});
