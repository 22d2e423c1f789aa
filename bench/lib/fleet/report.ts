import type { LatencySummary, StatsSnapshot } from '../../../scripts/simulator/stats.js';
import { fixed, table, type Environment } from '../report.js';
import type { CommandFigures } from './command-tally.js';
import { formatSteps, type StepFigures } from './ingest-steps.js';
import type { FleetOptions } from './options.js';
import type { StoredReadings, SystemSample } from './messages.js';

/** The goals of issue #10's headline check. */
export const GOALS = { p95Ms: 200, flatWithin: 0.1 };

/** One row: the dongles' figures over a window, and the system's over the same window. */
export interface FleetWindow {
  /** Seconds since streaming started, at the window's end. */
  endSeconds: number;
  /** A whole window of streaming (the tail after the last round is not one). */
  full: boolean;
  dongles: StatsSnapshot;
  /** CPU cores the dongles (this process) used. */
  loadCores: number;
  system: SystemSample | null;
  loadAverage1m: number;
}

export interface FleetReport {
  benchmark: 'fleet';
  startedAt: string;
  settings: FleetOptions;
  environment: Environment;
  setupSeconds: number;
  windows: FleetWindow[];
  totals: StatsSnapshot;
  /** Seconds the system and database took to fall idle after the last upload (pipelines catching up); null past the limit. */
  settledAfterSeconds: number | null;
  /** Readings found in the database for the fleet's vehicles; null when they could not be counted. */
  stored: StoredReadings | null;
  /** With --db-commands: the statements that took the most time, from the driver's side (a lock wait included). */
  statements: CommandFigures[] | null;
  /** Where the uploads' time went, step by step, from the system's /metrics (null with --url). */
  steps?: StepFigures[] | null;
  checks: { name: string; pass: boolean; detail: string }[];
}

const abandoned = (s: StatsSnapshot) => (s.errors.ABANDONED ?? 0) + (s.errors.TIMEOUT ?? 0);
const rate = (n: number, seconds: number) => (seconds > 0 ? n / seconds : 0);
const opt = (n: number | null | undefined, digits = 2) => (n === null || n === undefined ? '-' : fixed(n, digits));

export function fullWindows(windows: readonly FleetWindow[]): FleetWindow[] {
  return windows.filter((w) => w.full);
}

/**
 * The windows the readings/s ratio compares. Dongles that upload every S seconds are spread over
 * S, so a window that starts before S has passed holds only the first uploads of some of them:
 * fewer readings by construction, not because the system was slow. With two or more windows
 * left after that, those are compared; the p95 check still covers every full window.
 */
export function steadyWindows(
  full: FleetWindow[],
  settings: Pick<FleetOptions, 'uploadEverySeconds' | 'windowSeconds'>,
): FleetWindow[] {
  const warmUp = settings.uploadEverySeconds ?? 0;
  const steady = full.filter((w) => w.endSeconds - settings.windowSeconds >= warmUp - 0.5);
  return steady.length >= 2 && steady.length < full.length ? steady : full;
}

/** What the run is judged on, each with the figures behind it. */
export function judge(report: Omit<FleetReport, 'checks'>): FleetReport['checks'] {
  const { totals, stored, windows } = report;
  const full = fullWindows(windows);
  const checks: FleetReport['checks'] = [
    {
      name: 'every round stored',
      pass: totals.samplesLost === 0 && totals.samplesStored === totals.samples,
      detail: `${totals.samplesStored} of ${totals.samples} rounds stored, ${totals.samplesLost} lost`,
    },
    {
      name: 'stored = sent in the database',
      pass: stored !== null && stored.points === totals.readingsStored && stored.counted === totals.readingsStored,
      detail:
        stored === null
          ? 'not counted (with --url, set MONGODB_URI to count)'
          : `${stored.points} readings in the database (buckets count ${stored.counted}), ${totals.readingsStored} in the answers`,
    },
    {
      name: `ingest p95 under ${GOALS.p95Ms} ms`,
      pass: totals.latencyMs.p95 < GOALS.p95Ms,
      detail: `p95 ${totals.latencyMs.p95} ms over the run`,
    },
  ];
  if (full.length > 0) {
    const steady = steadyWindows(full, report.settings);
    const [first, last] = [steady[0], steady[steady.length - 1]];
    const worst = Math.max(...full.map((w) => w.dongles.latencyMs.p95));
    const rates = [first, last].map((w) => rate(w.dongles.readingsStored, w.dongles.seconds));
    const ratio = rates[0] > 0 ? rates[1] / rates[0] : 0;
    checks.push({
      name: 'flat over time',
      pass: worst < GOALS.p95Ms && Math.abs(ratio - 1) <= GOALS.flatWithin,
      detail:
        `last / first ${steady === full ? '' : 'steady '}window: readings/s ${fixed(ratio, 2)}x, p95 ${last.dongles.latencyMs.p95} / ${first.dongles.latencyMs.p95} ms; ` +
        `worst window p95 ${worst} ms`,
    });
  }
  return checks;
}

const latency = (l: LatencySummary) => [String(l.p50), String(l.p95), String(l.p99)];

export function formatWindows(windows: readonly FleetWindow[]): string {
  const header = [
    'at s',
    'rounds',
    'stored',
    'lost',
    'abandoned',
    'retries',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'readings/s',
    'loop p99 ms',
    'loop max',
    'system cores',
    'db cores',
    'dongle cores',
    'system MB',
    'db MB',
    'load avg',
  ];
  const rows = windows.map((w) => {
    const d = w.dongles;
    const s = w.system;
    return [
      `${Math.round(w.endSeconds)}${w.full ? '' : ' (tail)'}`,
      String(d.samples),
      String(d.samplesStored),
      String(d.samplesLost),
      String(abandoned(d)),
      String(d.retries),
      ...latency(d.latencyMs),
      fixed(rate(d.readingsStored, d.seconds), 0),
      opt(s?.eventLoopDelayMs.p99, 0),
      opt(s?.eventLoopDelayMs.max, 0),
      opt(s?.systemCores),
      opt(s?.databaseCores),
      fixed(w.loadCores, 2),
      s ? String(s.systemRssMb) : '-',
      opt(s?.databaseRssMb, 0),
      fixed(w.loadAverage1m, 1),
    ];
  });
  return table([header, ...rows]);
}

export function formatErrors(windows: readonly FleetWindow[]): string {
  const lines = windows
    .filter((w) => Object.keys(w.dongles.errors).length > 0)
    .map(
      (w) =>
        `  at ${Math.round(w.endSeconds)} s: ${Object.entries(w.dongles.errors)
          .map(([code, n]) => `${code}=${n}`)
          .join(' ')}`,
    );
  return lines.length === 0 ? 'errors: none' : `errors by window:\n${lines.join('\n')}`;
}

export function formatReport(r: FleetReport): string {
  const t = r.totals;
  const lines = [
    `bench:fleet, ${r.settings.vehicles} vehicles at ${r.settings.hz} Hz, ` +
      `${r.settings.uploadEverySeconds ? `uploading every ${r.settings.uploadEverySeconds} s` : 'uploading every round'}, ` +
      `for ${r.settings.durationSeconds} s ` +
      `(seed ${r.settings.seed}), ${r.environment.database}, node ${r.environment.node}, ${r.environment.cpus} CPUs, ` +
      `load average ${r.environment.loadAverage1m} before the run; set-up ${fixed(r.setupSeconds, 1)} s`,
    '',
    formatWindows(r.windows),
    '',
    formatErrors(r.windows),
    '',
    `totals: ${t.samples} rounds, ${t.samplesStored} stored, ${t.samplesLost} lost, ${abandoned(t)} abandoned, ` +
      `${t.retries} retries, ${t.requests} requests, ${t.readingsStored} readings (${fixed(rate(t.readingsStored, t.seconds), 0)}/s); ` +
      `ingest p50 ${t.latencyMs.p50} ms, p95 ${t.latencyMs.p95} ms, p99 ${t.latencyMs.p99} ms, max ${t.latencyMs.max} ms`,
    `system idle ${r.settledAfterSeconds === null ? 'not within 120' : r.settledAfterSeconds} s after the last upload`,
    '',
    ...(r.statements ? [formatStatements(r.statements), ''] : []),
    ...(r.steps ? [formatSteps(r.steps), ''] : []),
    ...r.checks.map((c) => `${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`),
  ];
  return lines.join('\n');
}

export function formatStatements(statements: readonly CommandFigures[]): string {
  const rows = statements.map((c) => [
    c.statement,
    String(c.count),
    String(c.failed),
    fixed(c.totalMs / 1000, 1),
    fixed(c.meanMs, 1),
    fixed(c.maxMs, 0),
  ]);
  return `database statements, costliest first (time from sending to answer, as the driver saw it):\n${table([
    ['statement', 'count', 'failed', 'total s', 'mean ms', 'max ms'],
    ...rows,
  ])}`;
}
