import { errorCode, type GraphQLResult } from './gateway-client.js';
import {
  INGEST_FRAMES,
  INGEST_ROUNDS,
  MAX_FRAMES_PER_OPERATION,
  MAX_ROUNDS_PER_OPERATION,
  type IngestResultData,
} from './operations.js';
import { isRetryable } from './retry.js';
import { sendWithRetry, type SendContext } from './send.js';
import type { SimulationStats } from './stats.js';

/** The gateway's default GRAPHQL_MAX_BATCH: a larger --batch goes up in several requests. */
export const MAX_OPERATIONS_PER_REQUEST = 10;

/** One polling round of one dongle: the replies it printed and when it read them. */
export interface Sample {
  index: number;
  recordedAt: Date;
  frames: string[];
  /** The idempotency key of the ingestObdRounds upload this round went up in, once sent: the
   *  rounds of an upload refused for now stay together under their key, so that its retry
   *  cannot store them twice if the first try was stored after all. */
  upload?: string;
}

export interface DeviceCredentials {
  vehicleId: string;
  deviceToken: string;
  /** Unique per run and vehicle, so that idempotency keys never collide across runs. */
  keyPrefix: string;
}

export const idempotencyKey = (device: DeviceCredentials, sample: Sample) => `${device.keyPrefix}-s${sample.index}`;
const roundsKey = (device: DeviceCredentials, rounds: readonly Sample[]) =>
  `${device.keyPrefix}-r${rounds[0].index}-${rounds[rounds.length - 1].index}`;

/**
 * Rounds as ingestObdRounds uploads: rounds already sent together stay together under their key;
 * the others go in order, as many to an upload as the API takes.
 */
export function groupRounds(
  device: DeviceCredentials,
  samples: readonly Sample[],
): { key: string; rounds: Sample[] }[] {
  const groups: { key: string; rounds: Sample[] }[] = [];
  let fresh: Sample[] = [];
  let frames = 0;
  const seal = () => {
    if (fresh.length > 0) groups.push({ key: roundsKey(device, fresh), rounds: fresh });
    fresh = [];
    frames = 0;
  };
  for (const sample of samples) {
    if (sample.upload) {
      seal();
      const last = groups[groups.length - 1];
      if (last?.key === sample.upload) last.rounds.push(sample);
      else groups.push({ key: sample.upload, rounds: [sample] });
      continue;
    }
    if (fresh.length >= MAX_ROUNDS_PER_OPERATION || frames + sample.frames.length > MAX_FRAMES_PER_OPERATION) seal();
    fresh.push(sample);
    frames += sample.frames.length;
  }
  seal();
  return groups;
}

/** Transport failures that retrying cannot mend: the dongle gave up, or the answer made no sense. */
const FINAL_TRANSPORT_CODES: ReadonlySet<string> = new Set(['ABANDONED', 'BAD_RESPONSE']);

/** Refused for now, not for good: the server was busy or out of reach, and said nothing else. */
function refusedForNow(result: GraphQLResult): boolean {
  const errors = result.errors ?? [];
  return (
    errors.length > 0 &&
    errors.every((e) => (e.extensions?.transport ? !FINAL_TRANSPORT_CODES.has(errorCode(e)) : isRetryable(e)))
  );
}

/** Well below the gateway's default HTTP_BODY_LIMIT_BYTES (100 KiB), which refuses a larger request whole. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** Uploads in HTTP requests of at most ten operations and about MAX_REQUEST_BYTES of frames. */
export function requestsOf<T extends { rounds: Sample[] }>(groups: readonly T[]): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const group of groups) {
    // A frame's JSON (quotes, comma) and a round's time: an estimate, not an exact size.
    const size = group.rounds.reduce((n, r) => n + 40 + r.frames.reduce((m, f) => m + f.length + 3, 0), 0);
    if (current.length > 0 && (current.length >= MAX_OPERATIONS_PER_REQUEST || bytes + size > MAX_REQUEST_BYTES)) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(group);
    bytes += size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/**
 * Uploads buffered rounds as ingestObdRounds operations (several rounds, each with its own time,
 * under one idempotency key), up to ten in one HTTP request. With `keepRefused`, the rounds of an
 * upload still refused for now once the retries are spent are handed back marked with its key.
 */
export async function uploadRounds(
  ctx: SendContext & { stats: SimulationStats },
  device: DeviceCredentials,
  samples: readonly Sample[],
  options: { keepRefused?: boolean } = {},
): Promise<Sample[]> {
  const kept: Sample[] = [];
  for (const chunk of requestsOf(groupRounds(device, samples))) {
    const operations = chunk.map((group) => ({
      query: INGEST_ROUNDS,
      variables: {
        vehicleId: device.vehicleId,
        rounds: group.rounds.map((r) => ({ recordedAt: r.recordedAt.toISOString(), frames: r.frames })),
        idempotencyKey: group.key,
      },
    }));
    const results = await sendWithRetry(ctx, operations, device.deviceToken);
    results.forEach((result, i) => {
      const { key, rounds } = chunk[i];
      const frames = rounds.reduce((n, r) => n + r.frames.length, 0);
      if (!result.errors?.some((e) => e.extensions?.transport)) ctx.stats.count('framesSent', frames);
      const ingested = (result.data as { ingestObdRounds?: IngestResultData } | null | undefined)?.ingestObdRounds;
      if (!ingested) {
        if (options.keepRefused && refusedForNow(result)) kept.push(...rounds.map((r) => ({ ...r, upload: key })));
        else ctx.stats.count('samplesLost', rounds.length);
        return;
      }
      ctx.stats.count('samplesStored', rounds.length);
      if (ingested.duplicate) return ctx.stats.count('duplicates');
      ctx.stats.count('readingsStored', ingested.readingsStored);
      ctx.stats.count('dtcsReported', ingested.dtcsStored);
      for (const frameError of ingested.errors) ctx.stats.rejectedFrame(frameError.code);
    });
  }
  return kept;
}

/**
 * Uploads rounds the way a dongle does: each round is one ingestObdFrames with its own time and
 * idempotency key, up to ten rounds in one HTTP request (the gateway's default batch limit).
 * With `keepRefused`, rounds still refused for now once the retries are spent (a busy server)
 * are handed back for the dongle to keep, instead of being counted lost.
 */
export async function uploadSamples(
  ctx: SendContext & { stats: SimulationStats },
  device: DeviceCredentials,
  samples: readonly Sample[],
  options: { keepRefused?: boolean } = {},
): Promise<Sample[]> {
  const kept: Sample[] = [];
  for (let start = 0; start < samples.length; start += MAX_OPERATIONS_PER_REQUEST) {
    const chunk = samples.slice(start, start + MAX_OPERATIONS_PER_REQUEST);
    const operations = chunk.map((sample) => ({
      query: INGEST_FRAMES,
      variables: {
        vehicleId: device.vehicleId,
        frames: sample.frames,
        recordedAt: sample.recordedAt.toISOString(),
        idempotencyKey: idempotencyKey(device, sample),
      },
    }));
    const results = await sendWithRetry(ctx, operations, device.deviceToken);
    results.forEach((result, i) => {
      // Frames count as sent once the gateway answered for them, whatever it said.
      if (!result.errors?.some((e) => e.extensions?.transport)) ctx.stats.count('framesSent', chunk[i].frames.length);
      const ingested = (result.data as { ingestObdFrames?: IngestResultData } | null | undefined)?.ingestObdFrames;
      if (!ingested) {
        if (options.keepRefused && refusedForNow(result)) kept.push(chunk[i]);
        else ctx.stats.count('samplesLost');
        return;
      }
      ctx.stats.count('samplesStored');
      if (ingested.duplicate) return ctx.stats.count('duplicates');
      ctx.stats.count('readingsStored', ingested.readingsStored);
      ctx.stats.count('dtcsReported', ingested.dtcsStored);
      for (const frameError of ingested.errors) ctx.stats.rejectedFrame(frameError.code);
    });
  }
  return kept;
}
