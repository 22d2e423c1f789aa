import { gatewayMetricsSnapshotSchema } from '../../gateway/contract.js';
import { GatewayMetricsBoard } from './gateway-metrics.board.js';

type Extra = Partial<Record<'serverErrors' | 'forbidden' | 'authenticatedForbidden', number>>;
/** A 10 s window of `requests` requests, as a gateway publishes it (checked against its contract). */
const snapshot = (gatewayId: string, requests: number, p95Ms: number, extra: Extra = {}) => {
  const serverErrors = extra.serverErrors ?? 0;
  return gatewayMetricsSnapshotSchema.parse({
    gatewayId,
    at: new Date(0).toISOString(),
    windowSeconds: 10,
    requests,
    p50Ms: p95Ms,
    p95Ms,
    throughputRps: requests / 10,
    serverErrors,
    errorRatePct: (100 * serverErrors) / requests,
    availabilityPct: 100 - (100 * serverErrors) / requests,
    rateLimited: 0,
    forbidden: extra.forbidden ?? 0,
    unauthenticated: 0,
    authenticatedRateLimited: 0,
    authenticatedForbidden: extra.authenticatedForbidden ?? 0,
    startedAt: new Date(0).toISOString(),
  });
};

describe('gateway metrics board', () => {
  it('combines the fresh snapshot of every gateway: worst p95, summed traffic, pooled error rate', () => {
    const board = new GatewayMetricsBoard(30_000);
    board.record(snapshot('g1', 100, 10, { serverErrors: 2, forbidden: 3 }), 1000);
    board.record(snapshot('g2', 100, 20, { forbidden: 4 }), 2000);
    const traffic = board.traffic(5000)!;
    expect(traffic).toMatchObject({ gateways: 2, requests: 200, p95Ms: 20, throughputRps: 20, forbiddenPerMinute: 7 });
    expect(traffic.errorRatePct).toBeCloseTo(1);
    expect(board.lastHour(5000)).toMatchObject({ requests: 200 });
  });

  it('keeps the FORBIDDEN answers to signed-in callers apart; a snapshot without them counts none', () => {
    const board = new GatewayMetricsBoard(30_000);
    board.record(snapshot('g1', 1, 5, { forbidden: 40, authenticatedForbidden: 3 }), 1000);
    const { authenticatedForbidden: _dropped, ...olderRelease } = snapshot('g2', 1, 5, { forbidden: 10 });
    board.record(olderRelease as never, 2000);
    expect(board.traffic(5000)).toMatchObject({ forbiddenPerMinute: 50, authenticatedForbiddenPerMinute: 3 });
  });

  it("sums the gateways' rolling windows (worst p95) and takes longer windows from its per-minute history", () => {
    const window = (requests: number, unavailable: number, p95Ms: number) => ({
      seconds: 60,
      requests,
      serverErrors: unavailable,
      unavailable,
      rateLimited: 1,
      serviceRateLimited: 0,
      forbidden: 0,
      unauthenticated: 0,
      authenticatedRateLimited: 0,
      authenticatedForbidden: 0,
      p95Ms,
    });
    const board = new GatewayMetricsBoard(30_000);
    const withWindows = (id: string, requests: number, unavailable: number, p95: number) =>
      gatewayMetricsSnapshotSchema.parse({
        ...snapshot(id, 10, 5),
        windows: { '1m': window(requests, unavailable, p95), '5m': window(5 * requests, unavailable, p95) },
      });
    board.record(withWindows('g1', 600, 3, 40), 1000);
    board.record(withWindows('g2', 400, 1, 90), 2000);
    const { windows, rateLimitedPerMinute } = board.traffic(5000)!;
    expect(windows['1m']).toMatchObject({ requests: 1000, unavailable: 4, p95Ms: 90 });
    expect(windows['5m']).toMatchObject({ requests: 5000, unavailable: 4 });
    expect(rateLimitedPerMinute).toBe(2);
    // The hour is what this board has seen: two 10-request intervals.
    expect(windows['1h']).toMatchObject({ requests: 20, p95Ms: null });
    // A gateway of an older release sends no windows: the 1-minute window comes from history too.
    board.record(snapshot('g3', 7, 5), 3000);
    expect(board.traffic(5000)!.windows['1m']).toMatchObject({ requests: 27 });
  });

  it('forgets gateways that stopped reporting', () => {
    const board = new GatewayMetricsBoard(30_000);
    board.record(snapshot('g1', 1, 5), 0);
    expect(board.traffic(30_001)).toBeNull();
  });
});
