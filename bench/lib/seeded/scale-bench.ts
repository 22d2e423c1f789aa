import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { SCALES } from '../../../scripts/seed/scales.js';
import type { SeedSummary } from '../../../scripts/seed/run-seed.js';
import { failedRequests } from '../load.js';
import { settledMemorySnapshot, type MemorySnapshot } from '../memory.js';
import {
  environment,
  fixed,
  MEMORY_HEADER,
  memoryRow,
  round,
  saveReport,
  table,
  times,
  type Environment,
} from '../report.js';
import { exitWith, reportFailures } from '../run-benchmark.js';
import { runVariantLoad, wrongAnswer, type Variant, type VariantLoadResult } from '../variant-load.js';
import { census, openSeededSystem, type SeededSystem } from './data-set.js';
import {
  benchCustomers,
  DECISIONS_FIRST_PAGE,
  FLEET_ALERTS_FIRST_PAGE,
  ME,
  MY_VEHICLES,
  meVariants,
  myVehiclesVariants,
  staffVariant,
} from './queries.js';
import { parseScaleOptions, type ScaleBenchOptions } from './scale-options.js';
import { openSessions } from './sessions.js';

/*
 * bench:gateway --scale <small|seed>: a customer's garage (myVehicles with each vehicle's owner
 * and health score, three subgraphs) for many different customers, and the staff dashboards'
 * first pages, on a seeded data set, with `{ me }` for the same customers as the baseline.
 */

/** The goal issue #10 sets for myVehicles at the seed scale. */
export const P95_TARGET_MS = 150;

interface TargetRun {
  name: string;
  query: string;
  /** Distinct users (tokens) the load cycled through. */
  users: number;
  loadAverage1m: number;
  result: VariantLoadResult;
}

export interface ScaleReport {
  benchmark: 'gateway-scale';
  startedAt: string;
  scale: string;
  dataDir: string;
  /** What this run spent seeding (null: the data set was complete already). */
  seed: { seconds: number; summary: SeedSummary | null } | null;
  /** Seeded without the telemetry histories and the alerts they raise (--skip-readings). */
  withoutReadings: boolean;
  /** Documents in the collections read, when the load started. */
  dataSet: Record<string, number>;
  settings: Omit<ScaleBenchOptions, 'scale' | 'dataDir' | 'skipReadings'>;
  environment: Environment;
  runs: TargetRun[];
  /** myVehicles / { me } for the same users: what the garage costs beyond authentication and a lookup. */
  ratio: { requestsPerSecond: number; p50: number; p95: number; p99: number };
  myVehiclesP95UnderTarget: boolean;
  memory: { before: MemorySnapshot; after: MemorySnapshot; databaseRssMb: { before?: number; after?: number } };
}

/** Resident memory of the database server (the children of its watchdog), from /proc. */
function databaseRssMb(watchdogPid: number | undefined): number | undefined {
  if (watchdogPid === undefined) return undefined;
  let kb = 0;
  try {
    for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      let status: string;
      try {
        status = readFileSync(`/proc/${pid}/status`, 'utf8');
      } catch {
        continue;
      }
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== watchdogPid) continue;
      kb += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    }
  } catch {
    return undefined;
  }
  return round(kb / 1024, 1);
}

/** Sends every variant once (a few at a time) and fails on the first wrong answer: no load on a broken query. */
async function verify(url: string, name: string, variants: readonly Variant[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < variants.length) {
        const variant = variants[next++]!;
        const response = await fetch(url, { method: 'POST', headers: variant.headers, body: variant.body });
        const text = await response.text();
        const why = wrongAnswer(response.status, text, variant);
        if (why) throw new Error(`${name} answered wrongly (${why}): ${text.slice(0, 500)}`);
      }
    }),
  );
}

async function measure(seeded: SeededSystem, options: ScaleBenchOptions): Promise<ScaleReport> {
  const startedAt = new Date().toISOString();
  const { bench, scale } = seeded;
  const url = bench.system.url;
  const customers = benchCustomers(scale, options.users);
  console.log(`opening sessions for ${customers.length} customers and a staff member...`);
  const sessions = await openSessions(
    bench,
    customers.map((c) => c.plan.email),
  );
  const [staff] = await openSessions(bench, [bench.config.ADMIN_EMAIL!]);
  const targets: { name: string; query: string; variants: Variant[] }[] = [
    { name: '{ me } (baseline)', query: ME, variants: meVariants(sessions) },
    { name: 'myVehicles', query: MY_VEHICLES, variants: myVehiclesVariants(scale, sessions) },
    {
      name: 'decisions first page (staff)',
      query: DECISIONS_FIRST_PAGE,
      variants: [staffVariant(staff!, DECISIONS_FIRST_PAGE)],
    },
    {
      name: 'fleetAlerts first page (staff)',
      query: FLEET_ALERTS_FIRST_PAGE,
      variants: [staffVariant(staff!, FLEET_ALERTS_FIRST_PAGE)],
    },
  ];
  for (const t of targets) await verify(url, t.name, t.variants);

  const dataSet = await census(bench);
  const before = settledMemorySnapshot();
  const databaseBefore = databaseRssMb(bench.databasePid);
  const [loadAverage1m] = loadavg();
  const runs: TargetRun[] = [];
  for (const t of targets) {
    const total = options.warmupSeconds + options.durationSeconds;
    console.log(`${t.name}: ${total} s at ${options.connections} connections over ${t.variants.length} user(s)...`);
    const [load] = loadavg();
    const result = await runVariantLoad({
      url,
      variants: t.variants,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
    });
    runs.push({ name: t.name, query: t.query, users: t.variants.length, loadAverage1m: round(load, 2), result });
  }
  const after = settledMemorySnapshot();
  const [me, garage] = [runs[0]!.result, runs[1]!.result];
  const { scale: _s, dataDir: _d, skipReadings: _r, ...settings } = options;
  return {
    benchmark: 'gateway-scale',
    startedAt,
    scale: scale.name,
    dataDir: seeded.dataDir,
    seed: seeded.seedSeconds > 0 ? { seconds: round(seeded.seedSeconds, 1), summary: seeded.seeded } : null,
    withoutReadings: seeded.withoutReadings,
    dataSet,
    settings,
    environment: environment(bench.database, loadAverage1m),
    runs,
    ratio: {
      requestsPerSecond: round(garage.requestsPerSecond / me.requestsPerSecond, 2),
      p50: round(garage.latencyMs.p50 / me.latencyMs.p50, 2),
      p95: round(garage.latencyMs.p95 / me.latencyMs.p95, 2),
      p99: round(garage.latencyMs.p99 / me.latencyMs.p99, 2),
    },
    myVehiclesP95UnderTarget: garage.latencyMs.p95 < P95_TARGET_MS,
    memory: { before, after, databaseRssMb: { before: databaseBefore, after: databaseRssMb(bench.databasePid) } },
  };
}

export function formatScaleReport(report: ScaleReport): string {
  const { settings, environment: env, ratio } = report;
  const garage = report.runs[1]!.result;
  const mb = (n?: number) => (n === undefined ? '-' : fixed(n));
  // No response at all gives no percentile (NaN, null once through IPC).
  const ms = (n: number | null) => (n === null || !Number.isFinite(n) ? '-' : fixed(n, 2));
  return [
    `Clutch gateway at scale ${report.scale} (${report.dataDir})` +
      (report.seed ? `, seeded by this run in ${fixed(report.seed.seconds / 60)} min` : ', data set reused') +
      (report.withoutReadings ? ' WITHOUT its telemetry histories (--skip-readings: no readings, few alerts)' : ''),
    `data set: ${Object.entries(report.dataSet)
      .map(([name, n]) => `${n.toLocaleString('en-US')} ${name}`)
      .join(', ')}`,
    `${settings.connections} connections, ${settings.durationSeconds} s per query after a ${settings.warmupSeconds} s warm-up; ` +
      `Node ${env.node}, ${env.cpus} CPUs, database ${env.database}; load average ${env.loadAverage1m} before the first run`,
    '',
    table([
      ['query', 'users', 'load avg', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'],
      ...report.runs.map((r) => [
        r.name,
        String(r.result.variantsSent),
        fixed(r.loadAverage1m, 2),
        String(r.result.requests),
        fixed(r.result.requestsPerSecond),
        ms(r.result.latencyMs.p50),
        ms(r.result.latencyMs.p95),
        ms(r.result.latencyMs.p99),
        `${failedRequests(r.result)}${r.result.timeouts ? ` (${r.result.timeouts} timeouts)` : ''}`,
      ]),
      [
        'myVehicles / { me }',
        '',
        '',
        '',
        times(ratio.requestsPerSecond),
        times(ratio.p50),
        times(ratio.p95),
        times(ratio.p99),
      ],
    ]),
    '',
    `myVehicles p95 ${fixed(garage.latencyMs.p95)} ms: ${report.myVehiclesP95UnderTarget ? 'under' : 'OVER'} the ${P95_TARGET_MS} ms target`,
    // With every connection always waiting on an answer, latency is connections / throughput.
    `(with ${settings.connections} connections kept busy, latency under ${P95_TARGET_MS} ms needs over ` +
      `${fixed((settings.connections * 1000) / P95_TARGET_MS, 0)} req/s; { me } alone served ${fixed(report.runs[0]!.result.requestsPerSecond)} req/s in this run)`,
    '',
    table([
      ['system process memory', ...MEMORY_HEADER],
      memoryRow('before load', report.memory.before),
      memoryRow('after load', report.memory.after),
    ]),
    `database server RSS MB: ${mb(report.memory.databaseRssMb.before)} before load, ${mb(report.memory.databaseRssMb.after)} after`,
    ...report.runs.flatMap((r) =>
      r.result.wrongBodySamples.length ? ['', `wrong answers to ${r.name}:`, ...r.result.wrongBodySamples] : [],
    ),
  ].join('\n');
}

export function scaleFailures(report: ScaleReport): string[] {
  return report.runs
    .filter((r) => failedRequests(r.result) > 0)
    .map((r) => `${r.name}: ${failedRequests(r.result)} failed`);
}

/** The whole `--scale` run: open (or seed) the data set, measure, print and save. */
export function runScaleBenchmark(argv: string[]): void {
  exitWith(async () => {
    const options = parseScaleOptions(argv);
    const stop = new AbortController();
    const running: { seeded?: SeededSystem } = {};
    const interrupt = () => {
      // While seeding: the seed stops after the requests in flight and keeps its progress.
      if (!running.seeded) return stop.abort();
      void running.seeded.bench.stop().finally(() => process.exit(130));
    };
    process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
    console.log(`starting the system on ${options.dataDir}...`);
    const seeded = await openSeededSystem(SCALES[options.scale], options.dataDir, console.log, {
      signal: stop.signal,
      withoutReadings: options.skipReadings,
    });
    running.seeded = seeded;
    try {
      const report = await measure(seeded, options);
      const saved = saveReport('gateway-scale', report);
      console.log(`\n${formatScaleReport(report)}\n\nsaved ${saved}`);
      return reportFailures(scaleFailures(report));
    } finally {
      await seeded.bench.stop();
    }
  });
}
