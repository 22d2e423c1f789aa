import type { LatencySummary } from '../latency.js';
import { fixed, table, times, type Environment } from '../report.js';
import type { StorageOptions } from './options.js';

/** The largest allowed growth of a query's p50 from the second-largest size to the largest. */
export const MAX_GROWTH = 2;

export interface StorageCell {
  database: string;
  docs: number;
  query: string;
  latencyMs: LatencySummary;
  /** Documents the last call returned (a count: the count). */
  returned: number;
  /** Calls whose answer was not the expected one: any makes the run a failure. */
  wrongAnswers: number;
}

export interface StorageReport {
  benchmark: 'storage';
  startedAt: string;
  settings: StorageOptions;
  environment: Environment;
  /** The database under test first, then the baseline. */
  databases: string[];
  /** Seconds to insert each size's new documents, per database. */
  seedSeconds: Record<string, Record<number, number>>;
  cells: StorageCell[];
  /** Queries whose answers grow with the collection (counts): their growth is shown, not limited. */
  growsWithMatches?: string[];
}

const int = (n: number) => Math.round(n).toLocaleString('en');
const ms = (n: number) => fixed(n, 2);

export interface Growth {
  database: string;
  query: string;
  from: number;
  to: number;
  p50: number;
  p95: number;
}

/** Each query's p50 and p95 at the largest size over the second-largest, per database. */
export function growth(r: StorageReport): Growth[] {
  const sizes = [...new Set(r.cells.map((c) => c.docs))].sort((a, b) => a - b);
  if (sizes.length < 2) return [];
  const [from, to] = sizes.slice(-2);
  const at = (database: string, query: string, docs: number) =>
    r.cells.find((c) => c.database === database && c.query === query && c.docs === docs)!.latencyMs;
  return r.cells
    .filter((c) => c.docs === to)
    .map((c) => {
      const before = at(c.database, c.query, from);
      return {
        database: c.database,
        query: c.query,
        from,
        to,
        p50: c.latencyMs.p50 / before.p50,
        p95: c.latencyMs.p95 / before.p95,
      };
    });
}

export function formatReport(r: StorageReport): string {
  const env = r.environment;
  const [tested, baseline] = r.databases;
  const rows = r.cells.map((c) => [
    c.database,
    int(c.docs),
    c.query,
    int(c.latencyMs.count),
    ms(c.latencyMs.p50),
    ms(c.latencyMs.p95),
    ms(c.latencyMs.p99),
    int(c.returned),
  ]);
  const growths = growth(r);
  const lines = [
    `storage benchmark, ${r.startedAt} (node ${env.node}, ${env.cpus} CPUs, load ${env.loadAverage1m})`,
    `one call at a time, ${r.settings.millis} ms per cell after a warm-up call (at least ${r.settings.minCalls} calls)`,
    '',
    table([['database', 'docs', 'query', 'calls', 'p50 ms', 'p95 ms', 'p99 ms', 'returned'], ...rows]),
  ];
  if (growths.length > 0) {
    const { from, to } = growths[0];
    const of = (database: string, query: string) => growths.find((g) => g.database === database && g.query === query);
    const p50At = (database: string, query: string) =>
      r.cells.find((c) => c.database === database && c.query === query && c.docs === to)?.latencyMs.p50;
    lines.push(
      '',
      `growth from ${int(from)} to ${int(to)} documents: p50 and p95 at ${int(to)} over ${int(from)} (at most ${MAX_GROWTH}x for p50)`,
      ...(baseline ? [`tested = ${tested}, baseline = ${baseline}`] : []),
      '',
      table([
        [
          'query',
          'tested p50',
          'p95',
          ...(baseline ? ['baseline p50', 'p95', `baseline / tested p50 at ${int(to)}`] : []),
        ],
        ...[...new Set(growths.map((g) => g.query))].map((query) => {
          const t = of(tested, query)!;
          const b = baseline ? of(baseline, query) : undefined;
          const speedup = b ? p50At(baseline, query)! / p50At(tested, query)! : undefined;
          return [
            r.growsWithMatches?.includes(query) ? `${query} (answer grows ${times(answerGrowth(r, query))})` : query,
            times(t.p50),
            times(t.p95),
            ...(b ? [times(b.p50), times(b.p95), speedup === undefined ? '' : times(speedup)] : []),
          ];
        }),
      ]),
    );
  }
  return lines.join('\n');
}

/** How much a query's answer (its count) grew from the second-largest size to the largest, on the database under test. */
function answerGrowth(r: StorageReport, query: string): number {
  const cells = r.cells
    .filter((c) => c.database === r.databases[0] && c.query === query)
    .sort((a, b) => a.docs - b.docs);
  const [from, to] = cells.slice(-2);
  return to.returned / from.returned;
}

export function failures(r: StorageReport): string[] {
  const [tested] = r.databases;
  return [
    ...r.cells
      .filter((c) => c.wrongAnswers > 0)
      .map((c) => `${c.database}, ${c.docs} docs, ${c.query}: ${c.wrongAnswers} wrong answers`),
    ...growth(r)
      .filter((g) => g.database === tested && g.p50 > MAX_GROWTH && !r.growsWithMatches?.includes(g.query))
      .map(
        (g) =>
          `${g.query}: p50 grew ${times(g.p50)} from ${int(g.from)} to ${int(g.to)} documents (at most ${MAX_GROWTH}x)`,
      ),
  ];
}
