import type { MemorySnapshot } from '../memory.js';
import { fixed, MEMORY_HEADER, memoryRow, round, table, times, type Environment } from '../report.js';
import { POLLED_PIDS } from './frames.js';
import type { IngestLoadResult, LiveResult, SubscribeResult } from './messages.js';
import type { TelemetryOptions } from './options.js';
import type { StoredReadings } from './stored-readings.js';

/** Average cores each process kept busy over a load (wall time, warm-up included). */
export interface CpuShare {
  wallSeconds: number;
  systemCores: number;
  /** Null when the database is not local (MONGODB_URI). */
  databaseCores: number | null;
  loadGeneratorCores: number;
  /** Every other process on the machine (other work skews every figure); null without /proc. */
  otherCores: number | null;
}

/** Seconds waited for the system to catch up with the previous load (null: it never did, in 120 s). */
type Settled = { settledAfterSeconds: number | null };

export interface IngestRun extends Settled {
  path: string;
  load: IngestLoadResult;
  stored: StoredReadings;
  /** What the responses said was stored, warm-up included: the database must hold exactly this. */
  reportedStored: number;
  verified: boolean;
  /** Measured readings found in the database, per second. */
  persistedPerSecond: number;
  cpu: CpuShare;
  /** CPU of the system process and the database per reading stored, microseconds, by 10 s. */
  cpuPerReadingUs: number[];
}

export interface LivePath extends Settled {
  audience: { label: string; count: number }[];
  connect: SubscribeResult;
  result: LiveResult;
  /** The gateway's own count, with every subscriber live: deduplication shows here. */
  gatewayStats?: { upstreams: number; groups: number; subscribers: number };
  /** Over the events (warm-up included). */
  cpu: CpuShare;
  memory: { before: MemorySnapshot; connected: MemorySnapshot; after: MemorySnapshot };
}

export interface LiveTier {
  subscribers: number;
  gateway: LivePath;
  subgraph: LivePath;
  /** gateway / subgraph latency. */
  ratio: { p50: number; p99: number };
}

export interface TelemetryReport {
  benchmark: 'telemetry';
  startedAt: string;
  settings: TelemetryOptions;
  environment: Environment;
  ingest: IngestRun[];
  live: { selections: Record<string, string>; tiers: LiveTier[] };
  /** `end` is after the ingest runs, which come last. */
  memory: { start: MemorySnapshot; end: MemorySnapshot };
}

export const ratioOf = (gateway: LiveResult, subgraph: LiveResult) => ({
  p50: round(gateway.latencyMs.p50 / subgraph.latencyMs.p50, 2),
  p99: round(gateway.latencyMs.p99 / subgraph.latencyMs.p99, 2),
});

/** Figures that mean the system misbehaved, so the rest describes nothing. */
export function failures(report: TelemetryReport): string[] {
  const found: string[] = [];
  for (const run of report.ingest) {
    if (run.load.errors) found.push(`${run.load.errors} ingest errors via the ${run.path}`);
    if (!run.verified) found.push(`the database does not hold what ingest via the ${run.path} reported`);
  }
  for (const tier of report.live.tiers) {
    for (const [name, path] of [
      ['gateway', tier.gateway],
      ['subgraph', tier.subgraph],
    ] as const) {
      const r = path.result;
      const what = `${tier.subscribers} subscribers via the ${name}`;
      if (path.connect.failed) found.push(`${what}: ${path.connect.failed} could not subscribe`);
      if (r.badEvents || r.endedSubscribers || r.ingestErrors) {
        found.push(
          `${what}: ${r.badEvents} bad events, ${r.endedSubscribers} ended subscriptions, ${r.ingestErrors} ingest errors`,
        );
      }
    }
  }
  return found;
}

const ms = (n: number) => fixed(n, 1);
const orNa = (n: number | null) => (n === null ? 'n/a' : fixed(n, 2));

function ingestSection(report: TelemetryReport): string[] {
  const { ingest } = report.settings;
  const rows = report.ingest.map((run) => {
    const l = run.load;
    return [
      run.path,
      String(l.batches),
      fixed(l.batchesPerSecond),
      fixed(l.readingsPerSecond, 0),
      fixed(run.persistedPerSecond, 0),
      ms(l.latencyMs.p50),
      ms(l.latencyMs.p95),
      ms(l.latencyMs.p99),
      String(l.errors),
      `${run.stored.points} ${run.verified ? '=' : '!='} ${run.reportedStored}`,
    ];
  });
  const cpu = report.ingest.map(
    ({ path, cpu: c }) =>
      `  via the ${path}: system process ${fixed(c.systemCores, 2)}, database ${orNa(c.databaseCores)}, ` +
      `load generator ${fixed(c.loadGeneratorCores, 2)}, other processes ${orNa(c.otherCores)}`,
  );
  return [
    `1. Ingest: ingestObdFrames batches of ${ingest.framesPerBatch} frames (PIDs ${POLLED_PIDS.join(' ')}, one reading each), ` +
      `${ingest.concurrency} in flight over ${ingest.vehicles} vehicles with device tokens, ${ingest.durationSeconds} s after a ${ingest.warmupSeconds} s warm-up`,
    table([
      [
        'path',
        'batches',
        'batches/s',
        'readings/s',
        'persisted/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'errors',
        'in database = answered',
      ],
      ...rows,
    ]),
    ...trendLines(report),
    `CPU cores kept busy during ingest (of ${report.environment.cpus}):`,
    ...cpu,
    ...report.ingest.flatMap((run) =>
      run.load.errorSamples.length ? [`errors via the ${run.path}:`, ...run.load.errorSamples] : [],
    ),
  ];
}

/** Mean readings/s over consecutive windows of `seconds` (a partial last window is left out). */
export function windowRates(bySecond: readonly number[], seconds: number): number[] {
  const rates: number[] = [];
  for (let i = 0; i + seconds <= bySecond.length; i += seconds) {
    rates.push(bySecond.slice(i, i + seconds).reduce((a, b) => a + b, 0) / seconds);
  }
  return rates;
}

/** First minute against last minute, for runs of two minutes or more: flat ingest stays within 10 %. */
export function firstAndLastMinute(
  bySecond: readonly number[],
): { first: number; last: number; change: number } | null {
  if (bySecond.length < 120) return null;
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(bySecond.slice(0, 60));
  const last = mean(bySecond.slice(-60));
  return { first, last, change: first === 0 ? 0 : (last - first) / first };
}

/** Second by second for short runs, by 10 s beyond a minute, so a fall-off as data grows shows. */
function trendLines(report: TelemetryReport): string[] {
  const long = report.settings.ingest.durationSeconds > 60;
  return [
    long ? 'readings stored per second, mean of each 10 s:' : 'readings stored second by second:',
    ...report.ingest.map((run) => {
      const series = long
        ? windowRates(run.load.readingsBySecond, 10).map((r) => fixed(r, 0))
        : run.load.readingsBySecond;
      return `  via the ${run.path}: ${series.join(' ')}`;
    }),
    'CPU per reading stored (system process + database, us), each 10 s: flat when writes stay as cheap as data grows, whatever else runs on the machine:',
    ...report.ingest.map((run) => `  via the ${run.path}: ${run.cpuPerReadingUs.map((us) => fixed(us, 0)).join(' ')}`),
    ...report.ingest.flatMap((run) => {
      const minutes = firstAndLastMinute(run.load.readingsBySecond);
      if (!minutes) return [];
      const change = `${minutes.change >= 0 ? '+' : ''}${fixed(minutes.change * 100, 1)} %`;
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const cost = run.cpuPerReadingUs;
      return [
        `  via the ${run.path}: first minute ${fixed(minutes.first, 0)}/s, last minute ${fixed(minutes.last, 0)}/s (${change}, ` +
          `${Math.abs(minutes.change) <= 0.1 ? 'within' : 'NOT within'} 10 %); ` +
          `CPU per reading ${fixed(mean(cost.slice(0, 6)), 0)} us, then ${fixed(mean(cost.slice(-6)), 0)} us`,
      ];
    }),
  ];
}

function liveRow(count: string, path: string, p: LivePath): string[] {
  const r = p.result;
  const stats = p.gatewayStats ? `${p.gatewayStats.groups}/${p.gatewayStats.upstreams}` : '-';
  return [
    count,
    path,
    stats,
    `${r.received}/${r.expected}`,
    String(r.missing),
    String(r.badEvents + r.endedSubscribers + p.connect.failed),
    ms(r.latencyMs.p50),
    ms(r.latencyMs.p95),
    ms(r.latencyMs.p99),
    ms(r.latencyMs.max),
    ms(r.ingestLatencyMs.p50),
    ms(r.maxSendLagMs),
    fixed(p.cpu.systemCores, 2),
    orNa(p.cpu.databaseCores),
    fixed(p.cpu.loadGeneratorCores, 2),
    orNa(p.cpu.otherCores),
  ];
}

function liveSection(report: TelemetryReport): string[] {
  const { live } = report.settings;
  if (!live) return ['2-3. Ingest-to-subscriber latency: skipped (--no-live)'];
  const rows = report.live.tiers.flatMap((tier) => [
    liveRow(String(tier.subscribers), 'gateway', tier.gateway),
    liveRow('', 'subgraph', tier.subgraph),
    ['', 'gateway / subgraph', '', '', '', '', times(tier.ratio.p50), '', times(tier.ratio.p99)],
  ]);
  const largest = report.live.tiers.at(-1);
  const audience = largest?.gateway.audience.map((a) => `${a.count} ${a.label}`).join(', ');
  const samples = report.live.tiers.flatMap((t) =>
    [t.gateway, t.subgraph].flatMap((p) => [...p.connect.failureSamples, ...p.result.badSamples]),
  );
  return [
    `2-3. Ingest-to-subscriber latency: ${live.eventsPerSecond} events/s for ${live.durationSeconds} s per tier and path, each on a vehicle of its own; ` +
      'latency = receipt at the subscriber - start of the ingest call (HTTP, through the gateway), over every (subscriber, event)',
    table([
      [
        'subscribers',
        'path',
        'groups/upstreams',
        'received/expected',
        'missing',
        'failed',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'ingest p50 ms',
        'send lag ms',
        'system cores',
        'db cores',
        'load gen cores',
        'other cores',
      ],
      ...rows,
    ]),
    `gateway subscribers (largest tier): ${audience}`,
    `  shared selection: ${oneLine(report.live.selections.shared)}`,
    `subgraph subscribers: the owner as viewer, ${oneLine(report.live.selections.subgraph)}`,
    ...(samples.length ? ['failures:', ...samples.slice(0, 5)] : []),
  ];
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Where background work (health consuming the telemetry stream) made a run wait to start clean. */
function settleLine(report: TelemetryReport): string {
  const waits = [
    ...report.ingest.map((run) => [`ingest via the ${run.path}`, run.settledAfterSeconds] as const),
    ...report.live.tiers.flatMap((t) => [
      [`${t.subscribers} via gateway`, t.gateway.settledAfterSeconds] as const,
      [`${t.subscribers} via subgraph`, t.subgraph.settledAfterSeconds] as const,
    ]),
  ];
  const said = waits.map(([what, seconds]) => `${what} ${seconds === null ? 'over 120 (started anyway)' : seconds}`);
  return `seconds each run waited for the system and database to go idle first (background work of the previous one): ${said.join(', ')}`;
}

function memorySection(report: TelemetryReport): string[] {
  const rows = [memoryRow('at start', report.memory.start)];
  for (const tier of report.live.tiers) {
    for (const [name, p] of [
      ['gateway', tier.gateway],
      ['subgraph', tier.subgraph],
    ] as const) {
      const what = `${tier.subscribers} via ${name}`;
      rows.push(memoryRow(`${what}: before`, p.memory.before), memoryRow(`${what}: connected`, p.memory.connected));
      rows.push(memoryRow(`${what}: after`, p.memory.after));
    }
  }
  rows.push(memoryRow('at end, after ingest', report.memory.end));
  return [
    '4. System process memory, after a full GC: gateway and every subgraph share this one process (with the MongoDB driver and the in-process event bus)',
    table([['moment', ...MEMORY_HEADER], ...rows]),
  ];
}

export function formatReport(report: TelemetryReport): string {
  const env = report.environment;
  return [
    `Clutch telemetry benchmark${report.settings.quick ? ' (--quick)' : ''}`,
    `Node ${env.node}, ${env.cpus} CPUs (load average ${env.loadAverage1m} before the run), database ${env.database}; ` +
      'the system process, the database and the load generator process share these CPUs',
    '',
    ...ingestSection(report),
    '',
    ...liveSection(report),
    '',
    settleLine(report),
    '',
    ...memorySection(report),
  ].join('\n');
}
