import type { SentCommand } from './commands.js';
import type { Verdict } from './explain.js';
import type { QueryTiming } from './measure.js';
import { fixed, round, table, times, type Environment } from '../report.js';

/**
 * A list query whose p95 or p50 grows more than this from the small data set to the large one
 * fails. p50 too: on a busy machine one scheduling hiccup sets the small size's p95, and hides a
 * query whose every request got slower.
 */
export const MAX_GROWTH = 2;

export interface GrowthRow {
  name: string;
  small: QueryTiming['latencyMs'];
  large: QueryTiming['latencyMs'];
  p95Ratio: number;
  /** Steadier than p95 on a busy machine: what a typical request does. */
  p50Ratio: number;
  grows: boolean;
  /** The large data set's slowest read of one request, and what the database says of it. */
  slowest?: Omit<SentCommand, 'command'> & { verdict: Verdict };
}

export interface GrowthReport {
  benchmark: 'growth';
  startedAt: string;
  factor: number;
  samples: number;
  environment: Environment;
  /** Load average before each size's measurements. */
  loadAverage: { small: number; large: number };
  dataSets: { small: Record<string, number>; large: Record<string, number> };
  seedSeconds: { small: number; large: number };
  rows: GrowthRow[];
}

export function growthRows(
  small: QueryTiming[],
  large: QueryTiming[],
  verdicts: Map<string, { command: SentCommand; verdict: Verdict }>,
): GrowthRow[] {
  return small.map((s, i) => {
    const l = large[i]!;
    const p95Ratio = round(l.latencyMs.p95 / s.latencyMs.p95, 2);
    const p50Ratio = round(l.latencyMs.p50 / s.latencyMs.p50, 2);
    const found = verdicts.get(s.name);
    const slowest = found && (({ command: _c, ...rest }) => ({ ...rest, verdict: found.verdict }))(found.command);
    return {
      name: s.name,
      small: s.latencyMs,
      large: l.latencyMs,
      p95Ratio,
      p50Ratio,
      grows: p95Ratio > MAX_GROWTH || p50Ratio > MAX_GROWTH,
      slowest,
    };
  });
}

const describe = (c: NonNullable<GrowthRow['slowest']>) =>
  `${c.name} ${c.database}.${c.collection} ${c.shape}${c.limit ? ` limit ${c.limit}` : ''}: ${fixed(c.ms)} ms; ${c.verdict.summary}`;

export function formatGrowthReport(r: GrowthReport): string {
  const env = r.environment;
  const sizes = (d: Record<string, number>) =>
    Object.entries(d)
      .map(([k, n]) => `${n.toLocaleString('en-US')} ${k}`)
      .join(', ');
  const growing = r.rows.filter((row) => row.grows);
  return [
    `Clutch list queries as the data grows ${r.factor}x: each query alone, ${r.samples} requests one at a time per size`,
    `Node ${env.node}, ${env.cpus} CPUs, database ${env.database}; load average ${fixed(r.loadAverage.small, 2)} ` +
      `before the small size, ${fixed(r.loadAverage.large, 2)} before the large one`,
    `small (seeded in ${fixed(r.seedSeconds.small)} s): ${sizes(r.dataSets.small)}`,
    `large (+${fixed(r.seedSeconds.large)} s): ${sizes(r.dataSets.large)}`,
    '',
    table([
      ['query', 'p50 small', 'p95 small', `p50 ${r.factor}x`, `p95 ${r.factor}x`, 'p50 growth', 'p95 growth', ''],
      ...r.rows.map((row) => [
        row.name,
        fixed(row.small.p50, 1),
        fixed(row.small.p95, 1),
        fixed(row.large.p50, 1),
        fixed(row.large.p95, 1),
        times(row.p50Ratio),
        times(row.p95Ratio),
        row.grows ? `GROWS (> ${MAX_GROWTH}x)` : 'ok',
      ]),
    ]),
    '',
    'slowest read of one request at the large size (what the database did with it):',
    ...r.rows.map(
      (row) => `  ${row.grows ? '!' : ' '} ${row.name}: ${row.slowest ? describe(row.slowest) : 'no read'}`,
    ),
    '',
    ...(Math.max(r.loadAverage.small, r.loadAverage.large) > env.cpus
      ? [
          `the load average was above the ${env.cpus} CPUs: other work sets some p95s here; a read the ` +
            'database serves from an index search does not grow with its collection, a scan does',
        ]
      : []),
    growing.length === 0
      ? `every list query kept its p50 and p95 within ${MAX_GROWTH}x`
      : `${growing.length} list queries grew more than ${MAX_GROWTH}x (p50 or p95): ${growing.map((g) => g.name).join(', ')}`,
  ].join('\n');
}
