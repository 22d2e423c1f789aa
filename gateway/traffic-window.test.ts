import { EventEmitter } from 'node:events';
import { snapshotOf } from './metrics-publisher.js';
import { percentileOf, TrafficWindow } from './traffic-window.js';

describe('gateway traffic window', () => {
  it('counts requests, server failures and refusals, and starts afresh after a drain', () => {
    const window = new TrafficWindow();
    for (let i = 1; i <= 100; i++) window.recordRequest(i, 200);
    window.recordRequest(5, 502);
    for (const code of [
      'FORBIDDEN',
      'FORBIDDEN',
      'RATE_LIMITED',
      'INTERNAL_SERVER_ERROR',
      'BAD_USER_INPUT',
      'UNAUTHENTICATED',
    ])
      window.recordError(code);
    const snapshot = snapshotOf(window.drain(), {
      gatewayId: 'g',
      windowSeconds: 10,
      at: new Date(0),
      startedAt: new Date(0),
    });
    expect(snapshot).toMatchObject({
      requests: 101,
      serverErrors: 2,
      forbidden: 2,
      rateLimited: 1,
      unauthenticated: 1,
      p95Ms: 95,
      throughputRps: 10.1,
    });
    expect(snapshot.errorRatePct).toBeCloseTo(1.9802, 3);
    expect(snapshot.availabilityPct).toBeCloseTo(98.0198, 3);
    expect(window.drain().requests).toBe(0);
  });

  it('counts RATE_LIMITED and FORBIDDEN sent to signed-in callers apart, from each response they get', async () => {
    const window = new TrafficWindow();
    const respond = async (viewer: unknown, codes: string[]) => {
      const hooks = await window.plugin().requestDidStart!({ contextValue: { viewer } } as never);
      await hooks?.willSendResponse?.({
        response: {
          body: { kind: 'single', singleResult: { errors: codes.map((code) => ({ extensions: { code } })) } },
        },
      } as never);
    };
    await respond({ kind: 'user', userId: 'u1', roles: [] }, ['FORBIDDEN', 'FORBIDDEN']);
    await respond({ kind: 'device', deviceId: 'd1', vehicleId: 'v1' }, ['RATE_LIMITED']);
    await respond(undefined, ['FORBIDDEN', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(window.drain()).toMatchObject({ authenticatedForbidden: 2, authenticatedRateLimited: 1 });
  });

  it('counts each refusal once: by its code when GraphQL or a pre-GraphQL check answered, by status otherwise', () => {
    const window = new TrafficWindow();
    const serve = (status: number, locals: Record<string, unknown>, codes: string[] = []) => {
      const res = Object.assign(new EventEmitter(), { statusCode: status, locals });
      window.middleware()({ method: 'POST' } as never, res as never, () => undefined);
      for (const code of codes) window.recordError(code); // formatError, for what GraphQL answered
      res.emit('finish');
    };
    serve(429, { answeredByGraphQL: true }, ['RATE_LIMITED']); // the operation rate limiter
    serve(429, { refusalCode: 'RATE_LIMITED' }); // failed authentications, before GraphQL
    serve(503, { answeredByGraphQL: true }, ['SERVICE_UNAVAILABLE']);
    serve(500, {}); // nothing saw it but the status
    expect(window.drain()).toMatchObject({ requests: 4, rateLimited: 2, serverErrors: 2 });
  });

  it("counts a service's refusal of its own endpoint apart from the gateway's rate limits (the report limiter's burst)", async () => {
    const window = new TrafficWindow();
    // reportClientError refused by the agents' limiter: Apollo names the subgraph that answered.
    for (let i = 0; i < 40; i++) window.recordError('RATE_LIMITED', 'agents');
    window.recordError('RATE_LIMITED'); // the gateway's own operation limit
    const respond = async (codes: Array<[string, string?]>) => {
      const hooks = await window.plugin().requestDidStart!({ contextValue: { viewer: { kind: 'user' } } } as never);
      await hooks?.willSendResponse?.({
        response: {
          body: {
            kind: 'single',
            singleResult: { errors: codes.map(([code, serviceName]) => ({ extensions: { code, serviceName } })) },
          },
        },
      } as never);
    };
    await respond([['RATE_LIMITED', 'agents'], ['RATE_LIMITED']]);
    expect(window.drain()).toMatchObject({ rateLimited: 1, serviceRateLimited: 40, authenticatedRateLimited: 1 });
  });

  it('counts the requests the service could not answer apart, for availability', () => {
    const window = new TrafficWindow();
    window.recordError('SERVICE_UNAVAILABLE');
    window.recordError('INTERNAL_SERVER_ERROR');
    window.recordRequest(5, 504);
    expect(window.drain()).toMatchObject({ serverErrors: 3, unavailable: 2 });
  });

  it('reports no percentile and full availability for an idle window', () => {
    expect(percentileOf([], 95)).toBeNull();
    expect(
      snapshotOf(new TrafficWindow().drain(), {
        gatewayId: 'g',
        windowSeconds: 10,
        at: new Date(0),
        startedAt: new Date(0),
      }),
    ).toMatchObject({
      p95Ms: null,
      errorRatePct: 0,
      availabilityPct: 100,
    });
  });
});
