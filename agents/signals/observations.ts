import type { Clock } from '../clock.js';
import type { ClientErrorStore } from '../client-errors/client-error.store.js';
import type { AlertStore } from './alert.store.js';
import type { FailedLoginWindow } from './failed-logins.js';
import type { GatewayMetricsBoard } from './gateway-metrics.board.js';
import type { OpsAlertStore } from './ops-alert.store.js';

/** The figures one tick sees. Numbers only: nothing a client typed reaches a prompt through them. */
export interface Observations {
  at: number;
  metrics: Record<string, number>;
}

/** Fewer requests than these in a window make p95 and error rate noise, so they are not reported. */
export const MIN_REQUESTS_FOR_LATENCY = 20;
export const MIN_REQUESTS_FOR_ERROR_RATE = 50;
/** Below this many requests a second there is no baseline worth comparing a drop to. */
const MIN_BASELINE_RPS = 1;
const BASELINE_WEIGHT = 0.1;

export class ObservationCollector {
  /** A slow moving average of throughput, kept by whichever instance ticks. */
  private throughputBaseline: number | null = null;

  constructor(
    private readonly deps: {
      board: GatewayMetricsBoard;
      clientErrors: ClientErrorStore;
      failedLogins: FailedLoginWindow;
      alerts: AlertStore;
      opsAlerts: OpsAlertStore;
      clock: Clock;
    },
  ) {}

  async collect(): Promise<Observations> {
    const { board, clientErrors, failedLogins, alerts, opsAlerts, clock } = this.deps;
    const at = clock.now();
    const metrics: Record<string, number> = {
      client_errors_per_minute: await clientErrors.countSince(new Date(at - 60_000)),
      signed_in_client_errors_per_minute: await clientErrors.countSignedInSince(new Date(at - 60_000)),
      failed_logins_per_minute: failedLogins.perMinute(at),
      critical_alerts_open: await alerts.countOpenCritical(),
      ops_alerts_last_hour: await opsAlerts.countSince(new Date(at - 3_600_000)),
    };
    const traffic = board.traffic(at);
    if (traffic) {
      metrics.requests_in_window = traffic.requests;
      metrics.throughput_rps = traffic.throughputRps;
      metrics.availability_pct = traffic.availabilityPct;
      metrics.rate_limited_per_minute = traffic.rateLimitedPerMinute;
      metrics.forbidden_per_minute = traffic.forbiddenPerMinute;
      metrics.authenticated_rate_limited_per_minute = traffic.authenticatedRateLimitedPerMinute;
      metrics.authenticated_forbidden_per_minute = traffic.authenticatedForbiddenPerMinute;
      if (traffic.p95Ms !== null && traffic.requests >= MIN_REQUESTS_FOR_LATENCY) metrics.p95_ms = traffic.p95Ms;
      if (traffic.requests >= MIN_REQUESTS_FOR_ERROR_RATE) metrics.error_rate_pct = traffic.errorRatePct;
      const baseline = this.throughputBaseline;
      if (baseline !== null && baseline >= MIN_BASELINE_RPS)
        metrics.throughput_ratio = traffic.throughputRps / baseline;
      this.throughputBaseline =
        baseline === null ? traffic.throughputRps : baseline + BASELINE_WEIGHT * (traffic.throughputRps - baseline);
    }
    return { at, metrics };
  }
}
