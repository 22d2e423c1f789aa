import { errorCode, type GraphQLResult } from './gateway-client.js';
import { INGEST_FRAMES, type IngestResultData } from './operations.js';
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
}

export interface DeviceCredentials {
  vehicleId: string;
  deviceToken: string;
  /** Unique per run and vehicle, so that idempotency keys never collide across runs. */
  keyPrefix: string;
}

export const idempotencyKey = (device: DeviceCredentials, sample: Sample) => `${device.keyPrefix}-s${sample.index}`;

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
