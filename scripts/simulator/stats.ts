/**
 * What the run did: totals for the summary, and a window since the last status line for rates.
 * Latencies are per HTTP request (a --batch upload is one request per ten rounds).
 */
export interface Counters {
  /** Polling rounds taken (one ingestObdFrames operation each). */
  samples: number;
  /** Frames of uploads the gateway answered (a request that got no answer sent nothing that counts). */
  framesSent: number;
  requests: number;
  readingsStored: number;
  dtcsReported: number;
  /** Uploads the server had already stored under their idempotency key (a retry after a lost answer). */
  duplicates: number;
  /** Rounds the server answered with a result (stored now, or already under their idempotency key). */
  samplesStored: number;
  retries: number;
  /** Rounds given up on: refused for good, retries exhausted, or dropped from a full backlog. */
  samplesLost: number;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface StatsSnapshot extends Counters {
  seconds: number;
  /** Requests (or operations) that failed, by GraphQL error code or transport failure. */
  errors: Record<string, number>;
  /** Frames the server refused, by IngestErrorCode. */
  rejectedFrames: Record<string, number>;
  latencyMs: LatencySummary;
}

const emptyCounters = (): Counters => ({
  samples: 0,
  framesSent: 0,
  requests: 0,
  readingsStored: 0,
  dtcsReported: 0,
  duplicates: 0,
  samplesStored: 0,
  retries: 0,
  samplesLost: 0,
});

/** Latencies kept for the summary's percentiles: a uniform sample of all of them (reservoir). */
const RESERVOIR_SIZE = 20_000;

class Tally {
  counters = emptyCounters();
  errors = new Map<string, number>();
  rejected = new Map<string, number>();
  latencies: number[] = [];
  seen = 0;

  constructor(
    readonly startedAt: number,
    private readonly keep: number,
  ) {}

  addLatency(ms: number): void {
    this.seen++;
    if (this.latencies.length < this.keep) this.latencies.push(ms);
    else {
      const slot = Math.floor(Math.random() * this.seen);
      if (slot < this.keep) this.latencies[slot] = ms;
    }
  }

  snapshot(now: number): StatsSnapshot {
    return {
      ...this.counters,
      seconds: (now - this.startedAt) / 1000,
      errors: Object.fromEntries(this.errors),
      rejectedFrames: Object.fromEntries(this.rejected),
      latencyMs: summarizeLatencies(this.latencies),
    };
  }
}

export class SimulationStats {
  private total: Tally;
  private window: Tally;

  constructor(private readonly clock: () => number = Date.now) {
    this.total = new Tally(clock(), RESERVOIR_SIZE);
    this.window = new Tally(clock(), Number.POSITIVE_INFINITY);
  }

  count(counter: keyof Counters, by = 1): void {
    this.total.counters[counter] += by;
    this.window.counters[counter] += by;
  }

  error(code: string, by = 1): void {
    for (const t of [this.total, this.window]) t.errors.set(code, (t.errors.get(code) ?? 0) + by);
  }

  rejectedFrame(code: string): void {
    for (const t of [this.total, this.window]) t.rejected.set(code, (t.rejected.get(code) ?? 0) + 1);
  }

  request(latencyMs: number): void {
    this.count('requests');
    this.total.addLatency(latencyMs);
    this.window.addLatency(latencyMs);
  }

  /** The window since the previous call, then a fresh one. */
  takeWindow(): StatsSnapshot {
    const now = this.clock();
    const snapshot = this.window.snapshot(now);
    this.window = new Tally(now, Number.POSITIVE_INFINITY);
    return snapshot;
  }

  totals(): StatsSnapshot {
    return this.total.snapshot(this.clock());
  }
}

/** Nearest-rank percentiles, in whole milliseconds; zeros when there is nothing to rank. */
export function summarizeLatencies(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => Math.round(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]);
  return { p50: rank(50), p95: rank(95), p99: rank(99), max: Math.round(sorted[sorted.length - 1]) };
}

const perSecond = (n: number, seconds: number) => (seconds > 0 ? n / seconds : 0).toFixed(1);

export const formatCodes = (codes: Record<string, number>) =>
  Object.keys(codes).length === 0
    ? 'none'
    : Object.entries(codes)
        .sort(([, a], [, b]) => b - a)
        .map(([code, n]) => `${code}=${n}`)
        .join(' ');

/** One status line: rates over the window, errors and latency of the window. */
export function formatStatus(elapsedSeconds: number, vehicles: number, w: StatsSnapshot): string {
  const parts = [
    `${vehicles} vehicles`,
    `${perSecond(w.framesSent, w.seconds)} frames/s sent`,
    `${perSecond(w.readingsStored, w.seconds)} readings/s stored`,
    `errors ${formatCodes(w.errors)}`,
  ];
  if (Object.keys(w.rejectedFrames).length > 0) parts.push(`rejected frames ${formatCodes(w.rejectedFrames)}`);
  if (w.retries > 0) parts.push(`${w.retries} retries`);
  parts.push(`ingest p50 ${w.latencyMs.p50} ms p95 ${w.latencyMs.p95} ms`);
  return `[${Math.round(elapsedSeconds).toString().padStart(5)}s] ${parts.join(' | ')}`;
}
