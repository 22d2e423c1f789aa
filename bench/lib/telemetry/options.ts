import { parseArgs } from 'node:util';
import { MAX_BATCH_SIZE } from '../../../subgraphs/telemetry/ingest/batch.js';
import { wholeNumber, wholeNumbers } from '../options.js';

export interface IngestOptions {
  /** Vehicles ingesting at once, each with its own device token. */
  vehicles: number;
  /** Batches in flight at once, spread over the vehicles. */
  concurrency: number;
  framesPerBatch: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Which ingest runs to make: through the gateway, straight to the subgraph, or both. */
  paths: IngestPath[];
}

export const INGEST_PATHS = ['gateway', 'subgraph'] as const;
export type IngestPath = (typeof INGEST_PATHS)[number];

export interface LiveOptions {
  /** One tier per count, through the gateway and then straight to the subgraph. */
  subscriberCounts: number[];
  eventsPerSecond: number;
  durationSeconds: number;
  /** At least this long of events (at the same rate) before measuring, and until every subscriber has one. */
  warmupSeconds: number;
}

export interface TelemetryOptions {
  quick: boolean;
  ingest: IngestOptions;
  /** Null with `--no-live`: the latency tiers are skipped (long ingest runs, profiling). */
  live: LiveOptions | null;
}

const FULL = {
  ingest: { vehicles: 8, concurrency: 16, framesPerBatch: 100, durationSeconds: 15, warmupSeconds: 2 },
  live: { subscriberCounts: [1, 100, 1000], eventsPerSecond: 20, durationSeconds: 10, warmupSeconds: 1 },
};
const QUICK = {
  ingest: { vehicles: 4, concurrency: 8, framesPerBatch: 100, durationSeconds: 3, warmupSeconds: 1 },
  live: { subscriberCounts: [1, 10, 50], eventsPerSecond: 10, durationSeconds: 2, warmupSeconds: 1 },
};

/**
 * `--quick` for a smoke run; any other flag overrides the figure it names:
 * `--vehicles --concurrency --frames --duration --warmup` (ingest, seconds) and
 * `--subscribers 1,100,1000 --rate --live-duration --live-warmup` (latency, events per second and seconds);
 * `--paths gateway` runs only the named ingest paths, `--no-live` skips the latency tiers.
 */
export function parseTelemetryOptions(argv: string[]): TelemetryOptions {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      vehicles: { type: 'string' },
      concurrency: { type: 'string' },
      frames: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      subscribers: { type: 'string' },
      rate: { type: 'string' },
      'live-duration': { type: 'string' },
      'live-warmup': { type: 'string' },
      paths: { type: 'string' },
      'no-live': { type: 'boolean' },
    },
  });
  const base = v.quick ? QUICK : FULL;
  const framesPerBatch = wholeNumber('frames', v.frames, base.ingest.framesPerBatch, 1);
  if (framesPerBatch > MAX_BATCH_SIZE) throw new Error(`--frames must be at most ${MAX_BATCH_SIZE} (the batch limit)`);
  return {
    quick: Boolean(v.quick),
    ingest: {
      vehicles: wholeNumber('vehicles', v.vehicles, base.ingest.vehicles, 1),
      concurrency: wholeNumber('concurrency', v.concurrency, base.ingest.concurrency, 1),
      framesPerBatch,
      durationSeconds: wholeNumber('duration', v.duration, base.ingest.durationSeconds, 1),
      warmupSeconds: wholeNumber('warmup', v.warmup, base.ingest.warmupSeconds, 0),
      paths: parsePaths(v.paths),
    },
    live: v['no-live']
      ? null
      : {
          subscriberCounts: wholeNumbers('subscribers', v.subscribers, base.live.subscriberCounts),
          eventsPerSecond: wholeNumber('rate', v.rate, base.live.eventsPerSecond, 1),
          durationSeconds: wholeNumber('live-duration', v['live-duration'], base.live.durationSeconds, 1),
          warmupSeconds: wholeNumber('live-warmup', v['live-warmup'], base.live.warmupSeconds, 0),
        },
  };
}

function parsePaths(value: string | undefined): IngestPath[] {
  if (value === undefined) return [...INGEST_PATHS];
  const paths = value.split(',').map((p) => p.trim());
  const unknown = paths.filter((p) => !(INGEST_PATHS as readonly string[]).includes(p));
  if (unknown.length || paths.length === 0) throw new Error(`--paths must be gateway and/or subgraph, got "${value}"`);
  return INGEST_PATHS.filter((p) => paths.includes(p));
}
