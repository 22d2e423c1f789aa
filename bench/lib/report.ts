import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import type { MemorySnapshot } from './memory.js';

/** What every report says about where it ran: other work on the machine skews every figure. */
export interface Environment {
  node: string;
  platform: string;
  cpus: number;
  /** Taken before the load starts (the benchmark itself then adds to it). */
  loadAverage1m: number;
  database: string;
}

export const environment = (database: string, loadAverage1m: number): Environment => ({
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpus: cpus().length,
  loadAverage1m: round(loadAverage1m, 2),
  database,
});

export const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
export const fixed = (n: number, digits = 1) => n.toFixed(digits);
/** A ratio as "1.23x". */
export const times = (n: number) => `${fixed(n, 2)}x`;

/** Columns padded to their widest cell: the first left-aligned, the figures right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('   '))
    .join('\n');
}

export const MEMORY_HEADER = ['rss MB', 'heap used MB', 'heap total MB', 'external MB'];

export const memoryRow = (name: string, m: MemorySnapshot) => [
  name,
  fixed(m.rssMb),
  fixed(m.heapUsedMb),
  fixed(m.heapTotalMb),
  fixed(m.externalMb),
];

/** Writes `report` as bench/results/<name>-<startedAt>.json and returns the path. */
export function saveReport(name: string, report: { startedAt: string }): string {
  const dir = path.resolve('bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
