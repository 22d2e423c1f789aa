import type { Db } from 'mongodb';
import type { BucketDocument } from '../../../subgraphs/telemetry/readings/reading.store.js';

export interface StoredReadings {
  /** The buckets' own counters. */
  counted: number;
  /** The points actually in them: what "persisted" means. */
  points: number;
}

/**
 * Readings of `vehicleIds` in the telemetry subgraph's bucket documents (see ReadingStore),
 * read straight from the database after the load, so the throughput is "persisted", not "accepted".
 */
export async function storedReadings(telemetryDb: Db, vehicleIds: string[]): Promise<StoredReadings> {
  const buckets = telemetryDb.collection<BucketDocument>('reading_buckets');
  let counted = 0;
  let points = 0;
  for await (const doc of buckets.find({ vehicleId: { $in: vehicleIds } }, { projection: { count: 1, series: 1 } })) {
    counted += doc.count;
    for (const series of Object.values(doc.series ?? {})) points += series.v.length;
  }
  return { counted, points };
}

/** Removes what one ingest run stored, so that each run, and the latency tiers, start from the same state. */
export async function deleteReadings(telemetryDb: Db, vehicleIds: string[]): Promise<void> {
  await telemetryDb.collection<BucketDocument>('reading_buckets').deleteMany({ vehicleId: { $in: vehicleIds } });
}
