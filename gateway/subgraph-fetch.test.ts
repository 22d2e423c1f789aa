import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VIEWER_HEADER, decodeViewer, type Viewer } from '../platform/auth/viewer.js';
import { SubgraphDataSource } from './data-source.js';

/** A stand-in subgraph: counts the calls it gets, answers after `delayMs`, as told. */
async function subgraph(delayMs = 50) {
  const calls: {
    viewer?: Viewer;
    body: string;
    shareableHeader?: string;
    headers: Record<string, string | string[] | undefined>;
  }[] = [];
  let answer: 'data' | 'errors' | 'hang' = 'data';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const viewer = decodeViewer(req.headers[VIEWER_HEADER] as string | undefined);
      calls.push({
        viewer,
        body,
        shareableHeader: req.headers['x-clutch-gateway-shareable'] as string | undefined,
        headers: req.headers,
      });
      if (answer === 'hang') return;
      setTimeout(() => {
        const payload =
          answer === 'errors'
            ? { errors: [{ message: 'Boom', extensions: { code: 'NOT_FOUND' } }], data: null }
            : { data: { me: { id: viewer?.kind === 'user' ? viewer.userId : null, tags: ['a'] } } };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    calls,
    answer: (how: typeof answer) => void (answer = how),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const alice: Viewer = { kind: 'user', userId: 'alice', roles: ['CUSTOMER'] };
const bob: Viewer = { kind: 'user', userId: 'bob', roles: ['CUSTOMER'] };

/** What @apollo/gateway's executor hands a data source for one fetch of a client's operation. */
function fetchOf(viewer: Viewer | undefined, operation: 'query' | 'mutation', query = '{me{id tags}}') {
  return {
    kind: 'incoming operation',
    request: { query, variables: {} },
    context: { viewer, requestId: `r-${Math.random()}`, logger: undefined },
    incomingRequestContext: { operation: { operation } },
    document: undefined,
    pathInIncomingRequest: undefined,
  } as never;
}

describe('deduplication of in-flight subgraph fetches', () => {
  let stub: Awaited<ReturnType<typeof subgraph>>;
  let source: SubgraphDataSource;
  beforeEach(async () => {
    stub = await subgraph();
    source = new SubgraphDataSource(stub.url, { internalSecret: 's', timeoutMs: 10_000 });
  });
  afterEach(() => stub.close());

  it('sends identical concurrent queries of one viewer once, each caller getting its own copy', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => source.process(fetchOf(alice, 'query'))));
    expect(stub.calls).toHaveLength(1);
    expect(stub.calls[0]!.shareableHeader).toBeUndefined();
    expect(answers.map((a) => a.data)).toEqual([1, 2, 3].map(() => ({ me: { id: 'alice', tags: ['a'] } })));
    // No parsed object is shared: the executor merges into what it gets.
    expect(answers[0]!.data).not.toBe(answers[1]!.data);
    (answers[0]!.data as { me: { tags: string[] } }).me.tags.push('mutated');
    expect((answers[1]!.data as { me: { tags: string[] } }).me.tags).toEqual(['a']);
    expect(source.subgraphFetcher.inFlightCount).toBe(0);
  });

  it('never shares across viewers (nor between a viewer and an anonymous caller)', async () => {
    const answers = await Promise.all([
      source.process(fetchOf(alice, 'query')),
      source.process(fetchOf(bob, 'query')),
      source.process(fetchOf(undefined, 'query')),
    ]);
    expect(stub.calls).toHaveLength(3);
    expect(answers.map((a) => (a.data as { me: { id: string | null } }).me.id)).toEqual(['alice', 'bob', null]);
  });

  it('never shares a mutation, nor the reads of a mutation plan', async () => {
    await Promise.all([
      source.process(fetchOf(alice, 'mutation', 'mutation{touch}')),
      source.process(fetchOf(alice, 'mutation', 'mutation{touch}')),
      source.process(fetchOf(alice, 'mutation')),
      source.process(fetchOf(alice, 'mutation')),
    ]);
    expect(stub.calls).toHaveLength(4);
  });

  it('shares a GraphQL error with every waiter, and a later call goes out again', async () => {
    stub.answer('errors');
    const answers = await Promise.all([
      source.process(fetchOf(alice, 'query')),
      source.process(fetchOf(alice, 'query')),
    ]);
    expect(stub.calls).toHaveLength(1);
    for (const answer of answers) expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    stub.answer('data');
    const later = await source.process(fetchOf(alice, 'query'));
    expect(stub.calls).toHaveLength(2);
    expect(later.data).toEqual({ me: { id: 'alice', tags: ['a'] } });
  });

  it('fails every waiter with the timeout of the one call, as an unavailable subgraph', async () => {
    stub.answer('hang');
    source = new SubgraphDataSource(stub.url, { internalSecret: 's', timeoutMs: 300 });
    const settled = await Promise.allSettled([
      source.process(fetchOf(alice, 'query')),
      source.process(fetchOf(alice, 'query')),
    ]);
    expect(stub.calls).toHaveLength(1);
    for (const outcome of settled) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason.name).toBe('TimeoutError');
    }
    expect(source.subgraphFetcher.inFlightCount).toBe(0);
  });
});

describe('what a subgraph call carries', () => {
  it("sends the client's operation as JSON with the internal secret, request id, client address and viewer", async () => {
    const stub = await subgraph(0);
    try {
      const source = new SubgraphDataSource(stub.url, { internalSecret: 'the-secret', timeoutMs: 10_000 });
      const options = fetchOf(alice, 'query') as { request: { http?: unknown }; context: object };
      Object.assign(options.context, { requestId: 'req-1', clientIp: '203.0.113.9' });
      const answer = await source.process(options as never);
      expect(answer.data).toEqual({ me: { id: 'alice', tags: ['a'] } });
      const [call] = stub.calls;
      expect(JSON.parse(call!.body)).toEqual({ query: '{me{id tags}}', variables: {} });
      expect(call!.headers).toMatchObject({
        'content-type': 'application/json',
        'x-clutch-internal-secret': 'the-secret',
        'x-request-id': 'req-1',
      });
      expect(call!.headers['x-clutch-client-ip']).toBe('203.0.113.9');
      expect(call!.viewer).toEqual(alice);
      expect(call!.shareableHeader).toBeUndefined();
    } finally {
      await stub.close();
    }
  });

  it("restricts the client's cache policy by the subgraph's answer, as RemoteGraphQLDataSource does", async () => {
    const stub = await subgraph(0);
    try {
      const source = new SubgraphDataSource(stub.url, { internalSecret: 's', timeoutMs: 10_000 });
      const hints: unknown[] = [];
      const options = fetchOf(alice, 'query') as { incomingRequestContext: object };
      Object.assign(options.incomingRequestContext, {
        overallCachePolicy: { restrict: (h: unknown) => hints.push(h) },
      });
      await source.process(options as never);
      expect(hints).toEqual([{ maxAge: 0 }]);
    } finally {
      await stub.close();
    }
  });
});

describe('SubgraphFetcher bounds', () => {
  it('keeps at most maxInFlight shared fetches; past it, fetches go out alone', async () => {
    const stub = await subgraph(50);
    try {
      const { SubgraphFetcher, SHAREABLE_HEADER } = await import('./subgraph-fetch.js');
      const fetcher = new SubgraphFetcher({ timeoutMs: 10_000, viewerHeader: VIEWER_HEADER, maxInFlight: 2 });
      const calls = [1, 2, 3, 4, 5].map((n) =>
        fetcher.fetch(stub.url, { method: 'POST', headers: { [SHAREABLE_HEADER]: '1' }, body: `{"query":"{n${n}}"}` }),
      );
      expect(fetcher.inFlightCount).toBe(2);
      await Promise.all(calls);
      expect(stub.calls).toHaveLength(5);
      expect(fetcher.inFlightCount).toBe(0);
    } finally {
      await stub.close();
    }
  });
});

describe('SubgraphFetcher answers', () => {
  /** A server that answers every call with `handler`. */
  async function serve(handler: (res: import('node:http').ServerResponse) => void) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => handler(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
      close: () => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }
  const post = async (fetcher: import('./subgraph-fetch.js').SubgraphFetcher, url: string) =>
    fetcher.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{a}"}' });

  it('decodes a body sent in many chunks as UTF-8 text, a character split across chunks and a leading BOM', async () => {
    const text = JSON.stringify({
      data: { name: 'Zoë 🚗 ünïcödé', list: Array.from({ length: 200 }, (_, i) => `é${i}`) },
    });
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    const server = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      let at = 0;
      const next = () => {
        if (at >= bytes.length) return res.end();
        res.write(bytes.subarray(at, (at += 7)));
        setImmediate(next);
      };
      next();
    });
    try {
      const { SubgraphFetcher } = await import('./subgraph-fetch.js');
      const fetcher = new SubgraphFetcher({ timeoutMs: 10_000, viewerHeader: VIEWER_HEADER });
      const response = await post(fetcher, server.url);
      expect(response.status).toBe(200);
      expect(response.ok).toBe(true);
      expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
      expect(await response.text()).toBe(text);
      expect(await response.json()).toEqual(JSON.parse(text));
    } finally {
      await server.close();
    }
  });

  it('reports the status, an empty body, and repeated cache-control headers joined', async () => {
    const server = await serve((res) => {
      res.setHeader('cache-control', ['max-age=60', 'public']);
      res.writeHead(401).end();
    });
    try {
      const { SubgraphFetcher } = await import('./subgraph-fetch.js');
      const fetcher = new SubgraphFetcher({ timeoutMs: 10_000, viewerHeader: VIEWER_HEADER });
      const response = await post(fetcher, server.url);
      expect(response.status).toBe(401);
      expect(response.statusText).toBe('Unauthorized');
      expect(response.ok).toBe(false);
      expect(response.headers.get('cache-control')).toBe('max-age=60, public');
      expect(response.headers.get('content-type')).toBeNull();
      expect(await response.text()).toBe('');
    } finally {
      await server.close();
    }
  });

  it('times out a call whose answer stops half-way, with the error AbortSignal.timeout gives', async () => {
    const server = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":');
    });
    try {
      const { SubgraphFetcher } = await import('./subgraph-fetch.js');
      const fetcher = new SubgraphFetcher({ timeoutMs: 200, viewerHeader: VIEWER_HEADER });
      const error = await post(fetcher, server.url).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DOMException);
      expect((error as DOMException).name).toBe('TimeoutError');
    } finally {
      await server.close();
    }
  });

  it("reports a refused connection as fetch does: TypeError('fetch failed') with the cause", async () => {
    const server = await serve((res) => res.end());
    const { url } = server;
    await server.close();
    const { SubgraphFetcher } = await import('./subgraph-fetch.js');
    const fetcher = new SubgraphFetcher({ timeoutMs: 10_000, viewerHeader: VIEWER_HEADER });
    const error = await post(fetcher, url).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });
});
