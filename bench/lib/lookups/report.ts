import type { LatencySummary } from '../latency.js';
import { fixed, table, type Environment } from '../report.js';
import type { LookupOptions } from './options.js';

export const IN_STRATEGY = '$in';

export interface LookupCell {
  docs: number;
  ids: number;
  strategy: string;
  /** Null when skipped: the call would have taken longer than `maxCallMillis`. */
  latencyMs: LatencySummary | null;
  callsPerSecond: number;
  /** Calls that did not find every id asked for: any makes the run a failure. */
  wrongAnswers: number;
}

export interface LookupsReport {
  benchmark: 'lookups';
  startedAt: string;
  settings: LookupOptions;
  environment: Environment;
  /** Seconds to insert each size's new documents, with insertMany in batches of 1,000. */
  seedSeconds: Record<number, number>;
  cells: LookupCell[];
}

const int = (n: number) => Math.round(n).toLocaleString('en');
const ms = (n: number) => fixed(n, 2);
const p50 = (c: LookupCell) => c.latencyMs?.p50 ?? Infinity;

/** The largest batch at which some per-id strategy still had a lower p50 than `$in`, per size. */
function crossovers(cells: LookupCell[]): string[] {
  const sizes = [...new Set(cells.map((c) => c.docs))];
  return sizes.map((docs) => {
    const batches = [...new Set(cells.filter((c) => c.docs === docs).map((c) => c.ids))];
    const perIdWins = batches.filter((ids) => {
      const here = cells.filter((c) => c.docs === docs && c.ids === ids);
      const viaIn = p50(here.find((c) => c.strategy === IN_STRATEGY)!);
      return here.some((c) => c.strategy.startsWith('findOne') && p50(c) < viaIn);
    });
    return `${int(docs)} docs: findOne per id beats $in at ${perIdWins.length ? perIdWins.join(', ') : 'no'} ids`;
  });
}

export function formatReport(r: LookupsReport): string {
  const env = r.environment;
  const fastest = new Map<string, number>();
  for (const c of r.cells)
    fastest.set(`${c.docs}/${c.ids}`, Math.min(fastest.get(`${c.docs}/${c.ids}`) ?? Infinity, p50(c)));
  const row = (c: LookupCell) => {
    const head = [int(c.docs), int(c.ids), c.strategy];
    const s = c.latencyMs;
    if (!s) return [...head, 'skipped', `> ${int(r.settings.maxCallMillis)} ms`];
    const best = s.p50 === fastest.get(`${c.docs}/${c.ids}`) ? '*' : '';
    return [
      ...head,
      int(s.count),
      `${best}${ms(s.p50)}`,
      ms(s.p95),
      ms(s.p99),
      fixed(c.callsPerSecond),
      int(c.callsPerSecond * c.ids),
    ];
  };
  return [
    `lookups by _id benchmark, ${r.startedAt} (node ${env.node}, ${env.cpus} CPUs, load ${env.loadAverage1m}, database ${env.database})`,
    `one call at a time, ${r.settings.millis} ms per cell after a warm-up call; * = lowest p50 of its docs/ids`,
    '',
    table([
      ['docs', 'ids', 'strategy', 'calls', 'p50 ms', 'p95 ms', 'p99 ms', 'calls/s', 'ids/s'],
      ...r.cells.toSorted((a, b) => a.docs - b.docs || a.ids - b.ids).map(row),
    ]),
    '',
    ...crossovers(r.cells),
  ].join('\n');
}

export const failures = (r: LookupsReport) =>
  r.cells
    .filter((c) => c.wrongAnswers > 0)
    .map((c) => `${c.strategy}, ${c.docs} docs, ${c.ids} ids: ${c.wrongAnswers} calls missed documents`);
