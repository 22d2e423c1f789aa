import { z } from 'zod';
import { authorizeVehicle, type VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import type { DtcStore } from '../dtcs/dtc.store.js';
import type { TelemetryEvents } from '../live/telemetry-events.js';
import type { LatestReadingStore } from '../readings/latest-reading.store.js';
import type { ReadingStore } from '../readings/reading.store.js';
import { VEHICLE_ID_PATTERN } from '../contract.js';
import {
  checkBatchSize,
  checkEventLimits,
  checkRecordedAt,
  decodeFrames,
  validateReadings,
  type DecodedBatch,
} from './batch.js';
import type { Idempotency } from './idempotency.js';
import type { IngestResult, IngestSummary } from './ingest.type.js';

const targetSchema = z.object({
  vehicleId: z.string().regex(VEHICLE_ID_PATTERN, 'vehicleId is not a valid id'),
  idempotencyKey: z
    .string()
    .min(1, 'idempotencyKey must not be empty')
    .max(128, 'idempotencyKey is at most 128 characters')
    .regex(/^[\x21-\x7e]+$/, 'idempotencyKey must be printable ASCII without spaces')
    .nullish(),
});

export interface FramesUpload {
  vehicleId: string;
  frames: string[];
  recordedAt?: Date | null;
  idempotencyKey?: string | null;
}

export interface ReadingsUpload {
  vehicleId: string;
  readings: { pid: string; value: number; recordedAt?: Date | null }[];
  idempotencyKey?: string | null;
}

export interface IngestDeps {
  access: VehicleAccess;
  readings: ReadingStore;
  latest: LatestReadingStore;
  dtcs: DtcStore;
  idempotency: Idempotency;
  events: TelemetryEvents;
  retentionMs: number;
  clock?: () => Date;
}

/**
 * Checks run cheapest first: size, shape and timestamps (nothing leaves the process), then who
 * may ingest for the vehicle, then the idempotency claim. See batch.ts for what gets stored.
 */
export class IngestService {
  private readonly clock: () => Date;

  constructor(private readonly deps: IngestDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  async ingestFrames(viewer: Viewer | undefined, upload: FramesUpload): Promise<IngestResult> {
    checkBatchSize(upload.frames.length, 'frames');
    const { vehicleId, idempotencyKey } = parseInput(targetSchema, upload);
    const now = this.clock();
    const recordedAt = upload.recordedAt ?? now;
    checkRecordedAt(recordedAt, now, this.deps.retentionMs, 'recordedAt');
    await authorizeVehicle(this.deps.access, viewer, vehicleId, 'ingest');
    const batch = decodeFrames(upload.frames, recordedAt);
    checkEventLimits(batch, 'frames');
    const request = { frames: upload.frames, recordedAt: upload.recordedAt?.toISOString() ?? null };
    return this.once(vehicleId, idempotencyKey, request, batch, recordedAt);
  }

  async ingestReadings(viewer: Viewer | undefined, upload: ReadingsUpload): Promise<IngestResult> {
    checkBatchSize(upload.readings.length, 'readings');
    const { vehicleId, idempotencyKey } = parseInput(targetSchema, upload);
    const now = this.clock();
    const items = upload.readings.map((r, i) => {
      const at = r.recordedAt ?? now;
      checkRecordedAt(at, now, this.deps.retentionMs, `readings.${i}.recordedAt`);
      return { pid: r.pid, value: r.value, recordedAt: at };
    });
    await authorizeVehicle(this.deps.access, viewer, vehicleId, 'ingest');
    const batch = validateReadings(items);
    checkEventLimits(batch, 'readings');
    const latest = batch.readings.reduce((max, r) => (r.recordedAt > max ? r.recordedAt : max), new Date(0));
    const request = upload.readings.map((r) => ({
      pid: r.pid,
      value: r.value,
      recordedAt: r.recordedAt?.toISOString() ?? null,
    }));
    return this.once(vehicleId, idempotencyKey, request, batch, batch.readings.length > 0 ? latest : now);
  }

  private async once(
    vehicleId: string,
    key: string | null | undefined,
    request: unknown,
    batch: DecodedBatch,
    recordedAt: Date,
  ): Promise<IngestResult> {
    const store = () => this.store(vehicleId, batch, recordedAt);
    const outcome = key
      ? await this.deps.idempotency.run(vehicleId, key, request, store)
      : { value: await store(), duplicate: false };
    if (!outcome.duplicate) await this.publish(vehicleId, batch, recordedAt);
    return { ...outcome.value, duplicate: outcome.duplicate };
  }

  private async store(vehicleId: string, batch: DecodedBatch, recordedAt: Date): Promise<IngestSummary> {
    // Every write is one atomic update of one document, so uploads of one vehicle need no
    // ordering between them, within an instance or across instances.
    const reportDtcs = async () => {
      // One reply after another: a code may be in both the confirmed and the pending reply.
      for (const report of batch.dtcs) await this.deps.dtcs.report(vehicleId, report.mode, report.codes, recordedAt);
    };
    await Promise.all([
      this.deps.readings.append(vehicleId, batch.readings),
      this.deps.latest.record(vehicleId, batch.readings),
      reportDtcs(),
    ]);
    return {
      accepted: batch.accepted,
      rejected: batch.rejected,
      readingsStored: batch.readings.length,
      dtcsStored: batch.dtcs.reduce((n, report) => n + report.codes.length, 0),
      errors: batch.errors,
      recordedAt,
    };
  }

  private async publish(vehicleId: string, batch: DecodedBatch, recordedAt: Date): Promise<void> {
    await this.deps.events.readingsStored(vehicleId, batch.readings);
    for (const report of batch.dtcs)
      await this.deps.events.dtcsReported(vehicleId, report.mode, report.codes, recordedAt);
  }
}
