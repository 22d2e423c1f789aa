import { BadUserInputError } from '../../../platform/errors.js';
import { alignRange, downsamplePoints, mergePartials, usesSummaries, type ReadingBucket } from './downsample.js';
import type { LatestReadingStore } from './latest-reading.store.js';
import type { ReadingStore } from './reading.store.js';
import type { Reading, ReadingSeries } from './reading.type.js';
import { isSingleValued, pidDefinition, pidSeriesKey } from './series.js';

/** A chartable PID from client text: two hex digits, known, single-valued. */
export function parseChartPid(input: string): string {
  const pid = String(input).trim().toUpperCase();
  const definition = pidDefinition(pid);
  if (!/^[0-9A-F]{2}$/.test(pid))
    throw new BadUserInputError('pid must be two hexadecimal digits, such as "0C"', 'pid');
  if (!definition) throw new BadUserInputError(`Mode 01 PID ${pid} is not supported`, 'pid');
  if (!isSingleValued(definition))
    throw new BadUserInputError(`PID ${pid} holds several values; read them with latestReadings`, 'pid');
  return pid;
}

export class ReadingHistoryService {
  constructor(
    private readonly readings: ReadingStore,
    private readonly latestReadings: LatestReadingStore,
  ) {}

  latest(vehicleId: string): Promise<Reading[]> {
    return this.latestReadings.find(vehicleId);
  }

  /** Whole-hour buckets come from the per-document summaries; shorter ones from the raw points. */
  async series(
    vehicleId: string,
    pidInput: string,
    from: Date,
    to: Date,
    bucket: ReadingBucket,
  ): Promise<ReadingSeries> {
    const pid = parseChartPid(pidInput);
    const range = alignRange(from, to, bucket);
    const key = pidSeriesKey(pid);
    const points = usesSummaries(range.bucketMs)
      ? mergePartials(await this.readings.summaries(vehicleId, key, range.from, range.to), range)
      : downsamplePoints(await collect(this.readings.points(vehicleId, key, range.from, range.to)), range);
    const definition = pidDefinition(pid)!;
    return { pid, name: definition.name, unit: definition.unit, bucket, from: range.from, to: range.to, points };
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
