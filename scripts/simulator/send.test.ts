import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Limiter } from './limiter.js';
import { sendWithRetry, type SendContext } from './send.js';
import { SimulationStats } from './stats.js';
import { waitFor } from '../../test/wait-for.js';

type Reply = (body: any, res: ServerResponse) => void;

/** A stand-in gateway that answers each request with the next scripted reply, and records bodies. */
async function fakeGateway(replies: Reply[]) {
  const bodies: any[] = [];
  const arrivals: { at: number; headers: IncomingMessage['headers'] }[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const body = JSON.parse(text);
      bodies.push(body);
      arrivals.push({ at: performance.now(), headers: req.headers });
      const reply = replies.shift() ?? ((_b, r) => r.writeHead(500).end('no more replies'));
      reply(body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return { url, bodies, arrivals, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const json =
  (status: number, payload: unknown): Reply =>
  (_body, res) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
const ok = (n: number) => ({ data: { n } });
const refused = (code: string, extra: Record<string, unknown> = {}) => ({
  data: null,
  errors: [{ message: code, extensions: { code, ...extra } }],
});

const op = (n: number) => ({ query: 'mutation { x }', variables: { n } });

function context(
  url: string,
  stats = new SimulationStats(),
  signal?: AbortSignal,
): SendContext & { stats: SimulationStats } {
  return { url, limiter: new Limiter(2), policy: { attempts: 4, baseMs: 1, maxMs: 5 }, stats, signal };
}

describe('sendWithRetry', () => {
  it('retries the whole request after a 5xx, and counts the error and the retry', async () => {
    const gateway = await fakeGateway([json(503, { error: 'busy' }), json(200, ok(1))]);
    const ctx = context(gateway.url);
    expect(await sendWithRetry(ctx, [op(1)], 'dt_token')).toEqual([ok(1)]);
    expect(gateway.bodies).toEqual([op(1), op(1)]);
    expect(ctx.stats.totals()).toMatchObject({ errors: { HTTP_503: 1 }, retries: 1, requests: 1 });
    await gateway.close();
  });

  it('sends several operations as one batched request and retries only those refused with RATE_LIMITED', async () => {
    const gateway = await fakeGateway([
      json(200, [refused('RATE_LIMITED', { retryAfterSeconds: 0 }), ok(2)]),
      json(200, ok(1)),
    ]);
    const ctx = context(gateway.url);
    expect(await sendWithRetry(ctx, [op(1), op(2)])).toEqual([ok(1), ok(2)]);
    expect(gateway.bodies).toEqual([[op(1), op(2)], op(1)]);
    expect(ctx.stats.totals()).toMatchObject({ errors: { RATE_LIMITED: 1 }, retries: 1, requests: 2 });
    await gateway.close();
  });

  it('does not retry what the server refused for good', async () => {
    const gateway = await fakeGateway([json(200, refused('BAD_USER_INPUT'))]);
    const ctx = context(gateway.url);
    expect(await sendWithRetry(ctx, [op(1)])).toEqual([refused('BAD_USER_INPUT')]);
    expect(gateway.bodies).toHaveLength(1);
    expect(ctx.stats.totals()).toMatchObject({ errors: { BAD_USER_INPUT: 1 }, retries: 0 });
    await gateway.close();
  });

  it('gives a refusal before execution (one error body for a batch) to every operation', async () => {
    const gateway = await fakeGateway([json(401, refused('UNAUTHENTICATED'))]);
    const results = await sendWithRetry(context(gateway.url), [op(1), op(2)]);
    expect(results.map((r) => r.errors?.[0].extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    await gateway.close();
  });

  it('gives up after its attempts when the gateway cannot be reached, with NETWORK as the code', async () => {
    const gateway = await fakeGateway([]);
    await gateway.close();
    const ctx = context(gateway.url);
    const [result] = await sendWithRetry(ctx, [op(1)]);
    expect(result.errors?.[0].extensions?.code).toBe('NETWORK');
    expect(ctx.stats.totals()).toMatchObject({ errors: { NETWORK: 4 }, retries: 3 });
  });

  it('once given up: ends the back-off, sends nothing more, settles as ABANDONED', async () => {
    const gateway = await fakeGateway([json(200, refused('RATE_LIMITED', { retryAfterSeconds: 3600 }))]);
    const stop = new AbortController();
    const ctx = context(gateway.url, new SimulationStats(), stop.signal);
    const sent = sendWithRetry(ctx, [op(1)]);
    // Give up only once the first attempt has reached the gateway and the back-off has begun.
    await waitFor(() => gateway.bodies.length === 1, 'the first attempt');
    stop.abort();
    const [result] = await sent;
    expect(result.errors?.[0].extensions?.code).toBe('ABANDONED');
    expect(gateway.bodies).toHaveLength(1);
    await gateway.close();
  });

  it('never retries sooner than a 429 asks, by its Retry-After header or, without one, its body', async () => {
    const gateway = await fakeGateway([
      (_b, res) =>
        res
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' })
          .end(JSON.stringify(refused('RATE_LIMITED', { retryAfterSeconds: 1 }))),
      json(429, refused('RATE_LIMITED', { retryAfterSeconds: 1 })),
      json(200, ok(1)),
    ]);
    expect(await sendWithRetry(context(gateway.url), [op(1)])).toEqual([ok(1)]);
    const [first, second, third] = gateway.arrivals.map((a) => a.at);
    // The policy's own back-off is at most 5 ms here.
    expect(second! - first!).toBeGreaterThanOrEqual(990);
    expect(third! - second!).toBeGreaterThanOrEqual(990);
    await gateway.close();
  });

  it('never retries an operation refused with RATE_LIMITED sooner than its retryAfterSeconds', async () => {
    const gateway = await fakeGateway([json(200, refused('RATE_LIMITED', { retryAfterSeconds: 1 })), json(200, ok(1))]);
    expect(await sendWithRetry(context(gateway.url), [op(1)])).toEqual([ok(1)]);
    expect(gateway.arrivals[1]!.at - gateway.arrivals[0]!.at).toBeGreaterThanOrEqual(990);
    await gateway.close();
  });

  it('retries a CONFLICT that says when to come back (an idempotent request still in progress), not a plain one', async () => {
    const gateway = await fakeGateway([
      json(200, refused('CONFLICT', { retryAfterSeconds: 0 })),
      json(200, ok(1)),
      json(200, refused('CONFLICT')),
    ]);
    const ctx = context(gateway.url);
    expect(await sendWithRetry(ctx, [op(1)])).toEqual([ok(1)]);
    expect(await sendWithRetry(ctx, [op(2)])).toEqual([refused('CONFLICT')]);
    expect(gateway.bodies).toEqual([op(1), op(1), op(2)]);
    await gateway.close();
  });

  it('sends an API key (ck_…) as x-api-key and anything else as a bearer token', async () => {
    const gateway = await fakeGateway([json(200, ok(1)), json(200, ok(2))]);
    await sendWithRetry(context(gateway.url), [op(1)], 'ck_key');
    await sendWithRetry(context(gateway.url), [op(2)], 'dt_token');
    expect(gateway.arrivals[0]!.headers).toMatchObject({ 'x-api-key': 'ck_key' });
    expect(gateway.arrivals[0]!.headers.authorization).toBeUndefined();
    expect(gateway.arrivals[1]!.headers).toMatchObject({ authorization: 'Bearer dt_token' });
    await gateway.close();
  });

  it('cancels a request in flight when given up', async () => {
    const gateway = await fakeGateway([() => undefined]);
    const stop = new AbortController();
    const sent = sendWithRetry(context(gateway.url, new SimulationStats(), stop.signal), [op(1)]);
    setTimeout(() => stop.abort(), 50);
    const [result] = await sent;
    expect(result.errors?.[0].extensions?.code).toBe('ABANDONED');
    await gateway.close();
  });
});
