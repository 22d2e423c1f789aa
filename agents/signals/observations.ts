import type { Clock } from '../clock.js';
import type { ClientErrorStore } from '../client-errors/client-error.store.js';
import type { SeenAlertStore } from './seen-alert.store.js';
import { evaluateBurn, type BurnWindow, type WindowCounts } from './burn-rate.js';
import type { FailedLoginWindow } from './failed-logins.js';
import type { GatewayMetricsBoard, MergedWindow } from './gateway-metrics.board.js';
import type { OpsAlertStore } from './ops-alert.store.js';

/** The figures one tick sees. Numbers only: nothing a client typed reaches a prompt through them. */
export interface Observations {
  at: number;
  metrics: Record<string, number>;
  /** True when the figures that live in the database could not be read (they are then absent). */
  databaseFailed?: boolean;
}

/** The service objectives the burn-rate triggers protect, in percent. */
export interface ServiceObjectives {
  /** Requests the service answers at all (not SERVICE_UNAVAILABLE, 502-504). */
  availabilityPct: number;
  /** Requests that fail with another server error (INTERNAL_SERVER_ERROR, 500). */
  errorRatePct: number;
}

export const DEFAULT_OBJECTIVES: ServiceObjectives = { availabilityPct: 99.95, errorRatePct: 0.05 };

/** Fewer requests than these in a window make p95 and error rate noise, so they are not reported. */
export const MIN_REQUESTS_FOR_LATENCY = 20;
export const MIN_REQUESTS_FOR_ERROR_RATE = 50;
/** Below this many requests a second there is no baseline worth comparing a drop to. */
const MIN_BASELINE_RPS = 1;
/** The figures read from the database give up after this long: a frozen database must not stall detection. */
const DATABASE_READ_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const counts = (windows: Partial<Record<BurnWindow, MergedWindow>>, bad: (w: MergedWindow) => number) =>
  Object.fromEntries(
    Object.entries(windows).map(([name, w]) => [name, { requests: w!.requests, bad: bad(w!) }]),
  ) as Partial<Record<BurnWindow, WindowCounts>>;

export class ObservationCollector {
  constructor(
    private readonly deps: {
      board: GatewayMetricsBoard;
      clientErrors: ClientErrorStore;
      failedLogins: FailedLoginWindow;
      alerts: SeenAlertStore;
      opsAlerts: OpsAlertStore;
      clock: Clock;
      objectives?: ServiceObjectives;
    },
  ) {}

  /**
   * The figures kept in memory (the gateways' traffic, failed logins): available whatever the
   * database does, so triggers on them are evaluated even while it is down.
   */
  collectMemory(at = this.deps.clock.now()): Observations {
    const { board, failedLogins } = this.deps;
    const objectives = this.deps.objectives ?? DEFAULT_OBJECTIVES;
    const metrics: Record<string, number> = { failed_logins_per_minute: failedLogins.perMinute(at) };
    const traffic = board.traffic(at);
    if (traffic) {
      const { windows } = traffic;
      metrics.requests_in_window = traffic.requests;
      metrics.throughput_rps = traffic.throughputRps;
      metrics.availability_pct = traffic.availabilityPct;
      metrics.rate_limited_per_minute = traffic.rateLimitedPerMinute;
      metrics.forbidden_per_minute = traffic.forbiddenPerMinute;
      metrics.authenticated_rate_limited_per_minute = traffic.authenticatedRateLimitedPerMinute;
      metrics.authenticated_forbidden_per_minute = traffic.authenticatedForbiddenPerMinute;
      // p95 over the last minute (every gateway's, the worst), not over one 10-second interval.
      const minute = windows['1m'];
      if (minute?.p95Ms != null && minute.requests >= MIN_REQUESTS_FOR_LATENCY) metrics.p95_ms = minute.p95Ms;
      else if (traffic.p95Ms !== null && traffic.requests >= MIN_REQUESTS_FOR_LATENCY) metrics.p95_ms = traffic.p95Ms;
      if (traffic.requests >= MIN_REQUESTS_FOR_ERROR_RATE) metrics.error_rate_pct = traffic.errorRatePct;

      // Availability: requests the service could not answer; errors: the other server failures.
      const availability = evaluateBurn(
        counts(windows, (w) => w.unavailable),
        objectives.availabilityPct,
      );
      const errors = evaluateBurn(
        counts(windows, (w) => Math.max(0, w.serverErrors - w.unavailable)),
        100 - objectives.errorRatePct,
      );
      metrics.availability_burn = availability.ratio;
      metrics.error_burn = errors.ratio;
      for (const [name, burn] of Object.entries(availability.burns)) metrics[`availability_burn_${name}`] = burn;
      for (const [name, burn] of Object.entries(errors.burns)) metrics[`error_burn_${name}`] = burn;

      // Throughput against what is usual for the hour (a median), over the last five minutes.
      const baseline = board.throughputBaseline(at);
      const recent = windows['5m'];
      if (baseline !== null && baseline >= MIN_BASELINE_RPS && recent && recent.seconds > 0) {
        metrics.throughput_baseline_rps = baseline;
        metrics.throughput_ratio = recent.requests / recent.seconds / baseline;
      }
    }
    return { at, metrics };
  }

  /** Everything: the memory figures, and those read from the database when it answers in time. */
  async collect(): Promise<Observations> {
    const { clientErrors, alerts, opsAlerts, clock } = this.deps;
    const observations = this.collectMemory(clock.now());
    const { at, metrics } = observations;
    try {
      const [clientErrorsPerMinute, signedIn, critical, ops] = await withTimeout(
        Promise.all([
          clientErrors.countSince(new Date(at - 60_000)),
          clientErrors.countSignedInSince(new Date(at - 60_000)),
          alerts.countOpenCritical(),
          opsAlerts.countSince(new Date(at - 3_600_000)),
        ]),
        DATABASE_READ_TIMEOUT_MS,
      );
      metrics.client_errors_per_minute = clientErrorsPerMinute;
      metrics.signed_in_client_errors_per_minute = signedIn;
      metrics.critical_alerts_open = critical;
      metrics.ops_alerts_last_hour = ops;
    } catch {
      observations.databaseFailed = true;
    }
    return observations;
  }
}
