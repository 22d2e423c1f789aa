import { failedRequests, type LoadResult } from './load.js';
import type { MemorySnapshot } from './memory.js';
import type { LoadOptions } from './options.js';
import { environment, fixed, MEMORY_HEADER, memoryRow, round, table, times, type Environment } from './report.js';

export interface GatewayReport {
  benchmark: 'gateway';
  startedAt: string;
  query: string;
  settings: LoadOptions;
  environment: Environment;
  gateway: LoadResult;
  subgraph: LoadResult;
  /** gateway / subgraph: below 1 for req/s and above 1 for latency is the gateway's cost. */
  ratio: { requestsPerSecond: number; p50: number; p95: number; p99: number };
  memory: { before: MemorySnapshot; after: MemorySnapshot };
}

export function buildReport(
  fields: Omit<GatewayReport, 'benchmark' | 'environment' | 'ratio'> & { database: string; loadAverage1m: number },
): GatewayReport {
  const { database, loadAverage1m, ...rest } = fields;
  const { gateway: g, subgraph: s } = rest;
  return {
    benchmark: 'gateway',
    ...rest,
    environment: environment(database, loadAverage1m),
    ratio: {
      requestsPerSecond: round(g.requestsPerSecond / s.requestsPerSecond, 2),
      p50: round(g.latencyMs.p50 / s.latencyMs.p50, 2),
      p95: round(g.latencyMs.p95 / s.latencyMs.p95, 2),
      p99: round(g.latencyMs.p99 / s.latencyMs.p99, 2),
    },
  };
}

export const loadRow = (name: string, r: LoadResult) => [
  name,
  String(r.requests),
  fixed(r.requestsPerSecond),
  fixed(r.latencyMs.p50, 2),
  fixed(r.latencyMs.p95, 2),
  fixed(r.latencyMs.p99, 2),
  String(failedRequests(r)),
  String(r.non2xx),
  String(r.wrongBodies),
  String(r.socketErrors),
];

export function formatReport(report: GatewayReport): string {
  const { settings, environment: env, ratio } = report;
  return [
    `Clutch gateway benchmark: ${report.query}`,
    `${settings.connections} connections, ${settings.durationSeconds} s per target after a ${settings.warmupSeconds} s warm-up; ` +
      `Node ${env.node}, ${env.cpus} CPUs (load average ${env.loadAverage1m} before the run), database ${env.database}`,
    '',
    table([
      ['target', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'non-2xx', 'bad body', 'socket'],
      loadRow('gateway', report.gateway),
      loadRow('identity subgraph', report.subgraph),
      ['gateway / subgraph', '', times(ratio.requestsPerSecond), times(ratio.p50), times(ratio.p95), times(ratio.p99)],
    ]),
    '',
    table([
      ['system process memory', ...MEMORY_HEADER],
      memoryRow('before load', report.memory.before),
      memoryRow('after load', report.memory.after),
    ]),
    ...[report.gateway, report.subgraph].flatMap((r, i) =>
      r.wrongBodySamples.length
        ? ['', `bad bodies from the ${i ? 'subgraph' : 'gateway'}:`, ...r.wrongBodySamples]
        : [],
    ),
  ].join('\n');
}
