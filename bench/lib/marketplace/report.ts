import type { LatencySummary } from '../latency.js';
import type { MemorySnapshot } from '../memory.js';
import { fixed, MEMORY_HEADER, memoryRow, round, table, times, type Environment } from '../report.js';
import type { MarketplaceOptions } from './options.js';

/** The gateway p95 the issue asks of a nearby search at 10,000 centres. */
export const SEARCH_P95_GOAL_MS = 50;

export interface SearchRun {
  path: string;
  requests: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  /** Wrong answers (not the nearest centre the service finds, errors, non-2xx) and socket errors. */
  failures: number;
  samples: string[];
  loadAverage1m: number;
}

export interface BookingRun {
  path: string;
  requests: number;
  /** Expected: slots x bays. */
  expected: number;
  booked: number;
  conflicts: number;
  /** Any other answer, by code. */
  other: Record<string, number>;
  /** Slots that did not end with exactly `bays` bookings. */
  slotsWrong: number;
  /** Bookings the database holds for the centre afterwards. */
  stored: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  loadAverage1m: number;
}

export interface MarketplaceReport {
  benchmark: 'marketplace';
  startedAt: string;
  settings: MarketplaceOptions;
  environment: Environment;
  centresSeedSeconds: number;
  search: { service: SearchRun; subgraph: SearchRun; gateway: SearchRun };
  bookings: { subgraph: BookingRun; gateway: BookingRun };
  memory: { before: MemorySnapshot; after: MemorySnapshot };
}

const ratio = (a: number, b: number) => (b > 0 ? times(a / b) : '-');

const searchRow = (r: SearchRun) => [
  r.path,
  String(r.requests),
  fixed(r.requestsPerSecond),
  fixed(r.latencyMs.p50, 2),
  fixed(r.latencyMs.p95, 2),
  fixed(r.latencyMs.p99, 2),
  String(r.failures),
  fixed(r.loadAverage1m, 1),
];

const bookingRow = (r: BookingRun) => [
  r.path,
  String(r.requests),
  `${r.booked}/${r.expected}`,
  String(r.conflicts),
  String(Object.values(r.other).reduce((a, b) => a + b, 0)),
  String(r.stored),
  fixed(r.seconds, 2),
  fixed(r.requestsPerSecond),
  fixed(r.latencyMs.p50, 1),
  fixed(r.latencyMs.p95, 1),
  fixed(r.latencyMs.p99, 1),
  fixed(r.loadAverage1m, 1),
];

export function formatReport(report: MarketplaceReport): string {
  const { settings: s, environment: env, search, bookings } = report;
  const goal = search.gateway.latencyMs.p95 < SEARCH_P95_GOAL_MS ? 'met' : 'MISSED';
  return [
    `Clutch marketplace benchmark; Node ${env.node}, ${env.cpus} CPUs, database ${env.database}`,
    '',
    `Nearby search: serviceCentres(near, radiusKm: ${s.radiusKm}, first: 20) over ${s.centres.toLocaleString('en-US')} centres ` +
      `(seeded in ${fixed(report.centresSeedSeconds)} s), ${s.points} points over seven cities, ${s.connections} connections, ` +
      `${s.durationSeconds} s per path after ${s.warmupSeconds} s warm-up`,
    table([
      ['path', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'failures', 'load 1m'],
      searchRow(search.service),
      searchRow(search.subgraph),
      searchRow(search.gateway),
      [
        'gateway / subgraph',
        '',
        ratio(search.gateway.requestsPerSecond, search.subgraph.requestsPerSecond),
        ratio(search.gateway.latencyMs.p50, search.subgraph.latencyMs.p50),
        ratio(search.gateway.latencyMs.p95, search.subgraph.latencyMs.p95),
        ratio(search.gateway.latencyMs.p99, search.subgraph.latencyMs.p99),
      ],
    ]),
    `gateway p95 goal (< ${SEARCH_P95_GOAL_MS} ms): ${goal}`,
    '',
    `Bookings: ${s.requests} requestBooking at once on ${s.slots} slots of a 2-bay centre (a centre per path)`,
    table([
      [
        'path',
        'requests',
        'booked',
        'CONFLICT',
        'other',
        'stored',
        'seconds',
        'req/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'load 1m',
      ],
      bookingRow(bookings.subgraph),
      bookingRow(bookings.gateway),
      [
        'gateway / subgraph',
        '',
        '',
        '',
        '',
        '',
        '',
        ratio(bookings.gateway.requestsPerSecond, bookings.subgraph.requestsPerSecond),
        ratio(bookings.gateway.latencyMs.p50, bookings.subgraph.latencyMs.p50),
        ratio(bookings.gateway.latencyMs.p95, bookings.subgraph.latencyMs.p95),
        ratio(bookings.gateway.latencyMs.p99, bookings.subgraph.latencyMs.p99),
      ],
    ]),
    '',
    table([
      ['system process memory', ...MEMORY_HEADER],
      memoryRow('before the searches', report.memory.before),
      memoryRow('after the bookings', report.memory.after),
    ]),
    ...[search.service, search.subgraph, search.gateway].flatMap((r) =>
      r.samples.length ? ['', `wrong answers (${r.path}):`, ...r.samples] : [],
    ),
  ].join('\n');
}

/** Why the figures do not describe a working marketplace; empty when they do. */
export function failures(report: MarketplaceReport): string[] {
  const failed: string[] = [];
  for (const r of Object.values(report.search)) {
    if (r.failures > 0) failed.push(`search through the ${r.path}: ${r.failures} failed requests`);
  }
  for (const r of Object.values(report.bookings)) {
    const where = `bookings through the ${r.path}`;
    if (r.booked !== r.expected) failed.push(`${where}: ${r.booked} booked, not exactly ${r.expected}`);
    if (r.conflicts !== r.requests - r.expected)
      failed.push(`${where}: ${r.conflicts} CONFLICT, not ${r.requests - r.expected}`);
    if (Object.keys(r.other).length > 0) failed.push(`${where}: other answers ${JSON.stringify(r.other)}`);
    if (r.slotsWrong > 0) failed.push(`${where}: ${r.slotsWrong} slots without exactly their bays booked`);
    if (r.stored !== r.expected) failed.push(`${where}: the database holds ${r.stored} bookings, not ${r.expected}`);
  }
  return failed;
}

export const perSecond = (n: number, seconds: number) => round(n / Math.max(seconds, 1e-9), 1);
