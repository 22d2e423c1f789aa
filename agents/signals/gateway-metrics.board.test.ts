import { snapshotOf } from '../../gateway/metrics-publisher.js';
import { GatewayMetricsBoard } from './gateway-metrics.board.js';

type Extra = Partial<Record<'serverErrors' | 'forbidden' | 'authenticatedForbidden', number>>;
const snapshot = (gatewayId: string, durations: number[], extra: Extra = {}) =>
  snapshotOf(
    {
      requests: durations.length,
      serverErrors: extra.serverErrors ?? 0,
      rateLimited: 0,
      forbidden: extra.forbidden ?? 0,
      unauthenticated: 0,
      authenticatedRateLimited: 0,
      authenticatedForbidden: extra.authenticatedForbidden ?? 0,
      durationsMs: durations,
    },
    { gatewayId, windowSeconds: 10, at: new Date(0), startedAt: new Date(0) },
  );

describe('gateway metrics board', () => {
  it('combines the fresh snapshot of every gateway: worst p95, summed traffic, pooled error rate', () => {
    const board = new GatewayMetricsBoard(30_000);
    board.record(snapshot('g1', Array(100).fill(10), { serverErrors: 2, forbidden: 3 }), 1000);
    board.record(snapshot('g2', [...Array(95).fill(20), ...Array(5).fill(400)], { forbidden: 4 }), 2000);
    const traffic = board.traffic(5000)!;
    expect(traffic).toMatchObject({ gateways: 2, requests: 200, p95Ms: 20, throughputRps: 20, forbiddenPerMinute: 7 });
    expect(traffic.errorRatePct).toBeCloseTo(1);
    expect(board.lastHour(5000)).toMatchObject({ requests: 200 });
  });

  it('keeps the FORBIDDEN answers to signed-in callers apart; a snapshot without them counts none', () => {
    const board = new GatewayMetricsBoard(30_000);
    board.record(snapshot('g1', [5], { forbidden: 40, authenticatedForbidden: 3 }), 1000);
    const { authenticatedForbidden: _dropped, ...olderRelease } = snapshot('g2', [5], { forbidden: 10 });
    board.record(olderRelease as never, 2000);
    expect(board.traffic(5000)).toMatchObject({ forbiddenPerMinute: 50, authenticatedForbiddenPerMinute: 3 });
  });

  it('forgets gateways that stopped reporting', () => {
    const board = new GatewayMetricsBoard(30_000);
    board.record(snapshot('g1', [5]), 0);
    expect(board.traffic(30_001)).toBeNull();
  });
});
