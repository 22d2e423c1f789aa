import express from 'express';
import { z } from 'zod';
import { listenLocally } from '../../test/local-server.js';
import { INTERNAL_SECRET_HEADER } from '../auth/viewer.js';
import {
  InternalCallError,
  InternalClient,
  InternalReply,
  internalRoute,
  serveInternalRoute,
  withOutage,
} from './internal-route.js';

const lookUp = internalRoute({
  method: 'POST',
  path: '/internal/things',
  request: z.object({ ids: z.array(z.string().max(8)).max(3) }),
  response: z.object({ things: z.array(z.object({ id: z.string(), size: z.number() })) }),
  answers: [404],
});
const listAll = internalRoute({
  method: 'GET',
  path: '/internal/things/all',
  request: z.object({}),
  response: z.object({ count: z.number().int() }),
});

/** The owner, serving both routes; `answer` replaces what the handler answers (to break the contract). */
async function owner() {
  const seen: unknown[] = [];
  const state: { answer?: unknown; status?: number; secret?: string } = {};
  const app = express();
  app.use(express.json());
  const router = express.Router();
  serveInternalRoute(router, lookUp, async ({ ids }) => {
    seen.push(ids);
    if (state.status) return new InternalReply(state.status, state.answer ?? { things: [] });
    return (state.answer as never) ?? { things: ids.map((id) => ({ id, size: id.length })) };
  });
  serveInternalRoute(router, listAll, async () => ({ count: seen.length }));
  app.use((req, _res, next) => {
    state.secret = req.header(INTERNAL_SECRET_HEADER);
    next();
  }, router);
  return { ...(await listenLocally(app)), seen, state };
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => (error instanceof InternalCallError ? [error.failure, error.status] : error),
  );

describe('internal routes', () => {
  let service: Awaited<ReturnType<typeof owner>>;
  let client: InternalClient;
  beforeEach(async () => {
    service = await owner();
    client = new InternalClient({ url: service.url, internalSecret: 's3cret' });
  });
  afterEach(() => service.close());

  it('answer a typed request with a parsed answer, with the secret, on the owner origin', async () => {
    expect(await client.call(lookUp, { ids: ['a', 'bb'] })).toEqual({
      things: [
        { id: 'a', size: 1 },
        { id: 'bb', size: 2 },
      ],
    });
    expect(await client.call(listAll, {})).toEqual({ count: 1 });
    expect(service.state.secret).toBe('s3cret');
  });

  it('refuse a request that breaks the contract before it is sent', async () => {
    expect(await failureOf(client.call(lookUp, { ids: ['a', 'b', 'c', 'd'] }))).toEqual(['refused', null]);
    expect(service.seen).toEqual([]);
  });

  it('answer 400 to a body that breaks the contract, and the handler never runs', async () => {
    const response = await fetch(`${new URL(service.url).origin}/internal/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: 'all' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/^ids: /) });
    expect(service.seen).toEqual([]);
  });

  it('parse the statuses a route declares as answers, and fail on the others', async () => {
    service.state.status = 404;
    expect(await client.call(lookUp, { ids: ['a'] })).toEqual({ things: [] });
    service.state.status = 409;
    expect(await failureOf(client.call(lookUp, { ids: ['a'] }))).toEqual(['refused', 409]);
    service.state.status = 503;
    expect(await failureOf(client.call(lookUp, { ids: ['a'] }))).toEqual(['failed', 503]);
  });

  it('never cast an answer: one outside the contract is malformed', async () => {
    service.state.answer = { things: [{ id: 'a' }] };
    expect(await failureOf(client.call(lookUp, { ids: ['a'] }))).toEqual(['malformed', 200]);
  });

  it('report an owner that cannot be reached', async () => {
    await service.close();
    expect(await failureOf(client.call(listAll, {}))).toEqual(['unreachable', null]);
    service = await owner();
  });

  it('withOutage turns only an outage (unreachable, 5xx) into the given error', async () => {
    class Down extends Error {}
    const calls = withOutage({ look: (ids: string[]) => client.call(lookUp, { ids }) }, () => new Down());
    expect(await calls.look(['a'])).toEqual({ things: [{ id: 'a', size: 1 }] });
    service.state.status = 503;
    expect(await calls.look(['a']).catch((e: unknown) => e)).toBeInstanceOf(Down);
    service.state.status = 409;
    expect(await failureOf(calls.look(['a']))).toEqual(['refused', 409]);
    service.state.status = undefined;
    service.state.answer = { things: [{ id: 'a' }] };
    expect(await failureOf(calls.look(['a']))).toEqual(['malformed', 200]);
    await service.close();
    expect(await calls.look(['a']).catch((e: unknown) => e)).toBeInstanceOf(Down);
    service = await owner();
  });
});
