import { createHash, randomBytes } from 'node:crypto';
import { bucketStart, readingsByHour } from './bucketing.js';
import type { TimedReading } from './series.js';

/**
 * Where an upload's readings go, decided from the upload alone, so that a retry of it (same
 * request, same idempotency key) goes to the very documents the first try wrote, in any process.
 * That is what lets the idempotency key be a condition on the bucket update itself (a receipt
 * per upload in each document it wrote) instead of a claim written before and after.
 *
 * - Readings are cut by UTC hour (a document's `start`). An hour with few readings is one chunk;
 *   one with many (from `ownFrom`) is cut into chunks of at most `ownCapacity`, each a document of
 *   its own.
 * - A small chunk (a round or a few) goes to the document shared by its vehicle's uploads whose
 *   first reading falls in the same slot of `slotMs`, so that a dongle uploading every round
 *   still fills documents of about `capacity` readings (at 1 Hz, 10 to 13 readings a round).
 * - A large chunk (from `ownFrom` readings: uploads of several rounds) gets a document of its
 *   own, named by the upload's key: one insert, never rewritten. So its size does not make later
 *   writes dearer, and it may hold far more than a shared document: a dongle's upload of 30 rounds
 *   (about 300 readings) is one insert, not two.
 * - A shared document that has no room for a chunk never gets room later (counts only grow),
 *   so a chunk refused by it goes to a document of its own, and so does its retry.
 * - An upload with no readings (only trouble codes or adapter replies) is one empty chunk at
 *   the upload's time: its receipt still needs a place.
 */
export const DEFAULT_SLOT_MS = 15_000;

export interface UploadChunk {
  /** The hour: the bucket document's `start`. */
  start: Date;
  /** Its earliest reading (the upload's time when it has none): picks the slot. */
  first: Date;
  last: Date;
  readings: TimedReading[];
}

export interface ChunkDocuments {
  /** The document tried first. */
  first: string;
  /** The upload's own document for this chunk, when `first` is a shared one that has no room. */
  overflow: string | null;
  /** Whether `first` is shared with other uploads (and so holds at most `capacity` readings). */
  shared: boolean;
}

/** Readings an upload's own document holds at most: an operation's whole upload (2,000 frames). */
export const DEFAULT_OWN_CAPACITY = 2_000;

/**
 * Groups readings by hour, in time order within each, and cuts each hour into chunks: of at most
 * `ownCapacity` when the hour has enough readings for documents of their own, else of at most
 * `capacity` (a shared document's room).
 */
export function planUploadChunks(
  readings: readonly TimedReading[],
  at: Date,
  capacity: number,
  ownCapacity = capacity,
): UploadChunk[] {
  for (const [name, value] of [
    ['capacity', capacity],
    ['ownCapacity', ownCapacity],
  ] as const)
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  if (readings.length === 0) return [{ start: bucketStart(at), first: at, last: at, readings: [] }];
  const chunks: UploadChunk[] = [];
  for (const [start, hour] of readingsByHour(readings)) {
    // Stable: readings of one time keep the upload's order.
    hour.sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
    const size = hour.length >= ownDocumentFrom(capacity) ? Math.max(capacity, ownCapacity) : capacity;
    for (let i = 0; i < hour.length; i += size) {
      const part = hour.slice(i, i + size);
      chunks.push({
        start: new Date(start),
        first: part[0].recordedAt,
        last: part[part.length - 1].recordedAt,
        readings: part,
      });
    }
  }
  return chunks;
}

/** From this many readings a chunk gets a document of its own. */
export const ownDocumentFrom = (capacity: number) => Math.max(1, Math.ceil(capacity / 4));

/**
 * Bucket document ids: `<vehicle>:<hour ms>:s<slot>` for a slot's shared document,
 * `<vehicle>:<hour ms>:u<upload>.<chunk>` for an upload's own. (ReadingStore.append's documents
 * are `<vehicle>:<hour ms>:<seq>`.)
 */
export function chunkDocuments(
  vehicleId: string,
  upload: string,
  chunk: UploadChunk,
  index: number,
  capacity: number,
  slotMs = DEFAULT_SLOT_MS,
): ChunkDocuments {
  const hour = `${vehicleId}:${chunk.start.getTime()}`;
  const own = `${hour}:u${upload}.${index}`;
  if (chunk.readings.length >= ownDocumentFrom(capacity)) return { first: own, overflow: null, shared: false };
  const slot = Math.floor((chunk.first.getTime() - chunk.start.getTime()) / slotMs);
  return { first: `${hour}:s${slot}`, overflow: own, shared: true };
}

/**
 * Names an upload in document ids and receipt fields: a hash of its idempotency key (keys are
 * client text; hex is safe as a field name), or random for an upload without one.
 */
export const uploadId = (key: string | null | undefined): string =>
  key ? createHash('sha256').update(key).digest('hex').slice(0, 24) : randomBytes(12).toString('hex');
