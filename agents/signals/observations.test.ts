import { gatewayMetricsSnapshotSchema } from '../../gateway/contract.js';
import { ManualClock } from '../clock.js';
import { evaluateRules, type FiringDraft } from '../firings/evaluate.js';
import { GOAL_RULE, METRIC_RULES } from '../firings/rule-set.js';
import type { ThresholdState } from '../triggers/threshold.js';
import { FailedLoginWindow } from './failed-logins.js';
import { GatewayMetricsBoard } from './gateway-metrics.board.js';
import { ObservationCollector } from './observations.js';

const INTERVAL_S = 10;
const none = async () => 0;

/** A gateway publishing every 10 s, and the loop observing every 30 s, on a manual clock. */
function world() {
  const clock = new ManualClock(Date.parse('2030-03-04T00:00:00Z'));
  const board = new GatewayMetricsBoard(3 * INTERVAL_S * 1000);
  const collector = new ObservationCollector({
    board,
    clientErrors: { countSince: none, countSignedInSince: none } as never,
    failedLogins: new FailedLoginWindow(),
    alerts: { countOpenCritical: none } as never,
    opsAlerts: { countSince: none } as never,
    clock,
  });
  let states = new Map<string, ThresholdState>();
  const fired: FiringDraft[] = [];
  let ticks = 0;
  /** `rps` requests a second for `seconds`, of which `unavailable` a second fail as SERVICE_UNAVAILABLE. */
  const serve = async (rps: number, seconds: number, unavailable = 0) => {
    for (let s = 0; s < seconds; s += INTERVAL_S) {
      clock.advance(INTERVAL_S * 1000);
      const requests = rps * INTERVAL_S;
      const failed = unavailable * INTERVAL_S;
      board.record(
        gatewayMetricsSnapshotSchema.parse({
          gatewayId: 'g1',
          at: new Date(clock.now()).toISOString(),
          windowSeconds: INTERVAL_S,
          requests,
          p50Ms: 5,
          p95Ms: 9,
          throughputRps: rps,
          serverErrors: failed,
          unavailable: failed,
          errorRatePct: requests ? (100 * failed) / requests : 0,
          availabilityPct: requests ? 100 - (100 * failed) / requests : 100,
          rateLimited: 0,
          forbidden: 0,
          unauthenticated: 0,
          startedAt: new Date(0).toISOString(),
        }),
        clock.now(),
      );
      if (++ticks % 3 === 0) {
        const result = evaluateRules({
          observations: await collector.collect(),
          metricRules: METRIC_RULES,
          goalRule: GOAL_RULE,
          goals: [],
          routines: [],
          since: null,
          states,
        });
        states = new Map([...states, ...result.states]);
        fired.push(...result.firings);
      }
    }
  };
  return { serve, fired, collector };
}

const kinds = (fired: FiringDraft[]) => fired.map((f) => f.kind);

describe('throughput_drop', () => {
  it('does not fire when a burst or a load test ends and traffic goes back to normal', async () => {
    const w = world();
    await w.serve(10, 40 * 60);
    await w.serve(100, 5 * 60); // a load test
    await w.serve(10, 10 * 60);
    expect(kinds(w.fired)).not.toContain('throughput_drop');
  });

  it('fires when traffic falls well below what is usual for the hour', async () => {
    const w = world();
    await w.serve(10, 40 * 60);
    await w.serve(1, 6 * 60);
    expect(kinds(w.fired)).toContain('throughput_drop');
  });
});

describe('availability', () => {
  it('fires on a 15-second outage within a minute, from memory alone', async () => {
    const w = world();
    await w.serve(10, 10 * 60);
    await w.serve(10, 20, 10); // every request refused for 20 s
    await w.serve(10, 40);
    expect(kinds(w.fired)).toEqual(['availability']);
    const metrics = w.collector.collectMemory().metrics;
    expect(metrics.availability_burn).toBeGreaterThanOrEqual(1);
    expect(metrics.error_burn).toBe(0); // refusals are availability, not errors
  });
});
