import { z } from 'zod';
import { authorizeIngest, type VehicleAccess } from '../../../platform/access/vehicle-access.js';
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
import { uploadId } from '../readings/upload-placement.js';
import { fingerprint, reusedKey, type Idempotency } from './idempotency.js';
import { checkRounds, decodeRounds, latestRound, type Round } from './rounds.js';
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

export interface RoundsUpload {
  vehicleId: string;
  rounds: Round[];
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
  /** Told how long each step of an upload took (telemetry_ingest_step_seconds). */
  timed?: IngestTimer;
}

/** The steps of an upload, in order: the access check, the readings' write, their event, the latest values and codes. */
export type IngestStep = 'authorize' | 'store' | 'announce' | 'rest';
export type IngestTimer = (step: IngestStep, seconds: number) => void;

/**
 * Checks run cheapest first: size, shape and timestamps (nothing leaves the process), then who
 * may ingest for the vehicle, then the writes. See batch.ts and rounds.ts for what gets stored.
 */
export class IngestService {
  private readonly clock: () => Date;
  private readonly timed: IngestTimer;

  constructor(private readonly deps: IngestDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.timed = deps.timed ?? (() => {});
  }

  private async step<T>(name: IngestStep, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.timed(name, (performance.now() - started) / 1000);
    }
  }

  async ingestFrames(viewer: Viewer | undefined, upload: FramesUpload): Promise<IngestResult> {
    checkBatchSize(upload.frames.length, 'frames');
    const { vehicleId, idempotencyKey } = parseInput(targetSchema, upload);
    const now = this.clock();
    checkRecordedAt(upload.recordedAt ?? now, now, this.deps.retentionMs, 'recordedAt');
    await this.step('authorize', () => authorizeIngest(this.deps.access, viewer, vehicleId));
    const build = (at: Date) => {
      const recordedAt = upload.recordedAt ?? at;
      const batch = decodeFrames(upload.frames, recordedAt);
      checkEventLimits(batch, 'frames');
      return { batch, recordedAt };
    };
    const request = { frames: upload.frames, recordedAt: upload.recordedAt?.toISOString() ?? null };
    return this.once(vehicleId, idempotencyKey, request, build, { now, serverTime: !upload.recordedAt });
  }

  async ingestRounds(viewer: Viewer | undefined, upload: RoundsUpload): Promise<IngestResult> {
    checkRounds(upload.rounds);
    const { vehicleId, idempotencyKey } = parseInput(targetSchema, upload);
    const now = this.clock();
    upload.rounds.forEach((round, i) =>
      checkRecordedAt(round.recordedAt, now, this.deps.retentionMs, `rounds.${i}.recordedAt`),
    );
    await this.step('authorize', () => authorizeIngest(this.deps.access, viewer, vehicleId));
    const batch = decodeRounds(upload.rounds);
    checkEventLimits(batch, 'rounds');
    const request = upload.rounds.map((r) => ({ frames: r.frames, recordedAt: r.recordedAt.toISOString() }));
    const recordedAt = latestRound(upload.rounds);
    return this.once(vehicleId, idempotencyKey, request, () => ({ batch, recordedAt }), { now, serverTime: false });
  }

  async ingestReadings(viewer: Viewer | undefined, upload: ReadingsUpload): Promise<IngestResult> {
    checkBatchSize(upload.readings.length, 'readings');
    const { vehicleId, idempotencyKey } = parseInput(targetSchema, upload);
    const now = this.clock();
    upload.readings.forEach((r, i) =>
      checkRecordedAt(r.recordedAt ?? now, now, this.deps.retentionMs, `readings.${i}.recordedAt`),
    );
    await this.step('authorize', () => authorizeIngest(this.deps.access, viewer, vehicleId));
    const build = (at: Date) => {
      const batch = validateReadings(upload.readings.map((r) => ({ ...r, recordedAt: r.recordedAt ?? at })));
      checkEventLimits(batch, 'readings');
      const latest = batch.readings.reduce((max, r) => (r.recordedAt > max ? r.recordedAt : max), new Date(0));
      return { batch, recordedAt: batch.readings.length > 0 ? latest : at };
    };
    const request = upload.readings.map((r) => ({
      pid: r.pid,
      value: r.value,
      recordedAt: r.recordedAt?.toISOString() ?? null,
    }));
    const serverTime = upload.readings.some((r) => !r.recordedAt);
    return this.once(vehicleId, idempotencyKey, request, build, { now, serverTime });
  }

  /**
   * Stores an upload once per idempotency key, in one or two writes: its readings with a
   * receipt, in the bucket documents the upload alone decides (ReadingStore.appendOnce), then
   * the latest values (and trouble codes, when it has some). Every step may run again: the
   * receipts keep a retry from storing readings twice, the other writes are idempotent. So a
   * retry after a partial failure completes what the failed try left, and a retry of a stored
   * upload gets the first try's result, marked duplicate. An upload that leaves its time to the
   * server costs one write more: the time is pinned to its key first (Idempotency).
   */
  private async once(
    vehicleId: string,
    key: string | null | undefined,
    request: unknown,
    build: (at: Date) => { batch: DecodedBatch; recordedAt: Date },
    time: { now: Date; serverTime: boolean },
  ): Promise<IngestResult> {
    const print = fingerprint(request);
    let built = build(time.now);
    if (key && time.serverTime) {
      const at = await this.deps.idempotency.pinTime(vehicleId, key, print, time.now);
      if (at.getTime() !== time.now.getTime()) built = build(at);
    }
    const { batch, recordedAt } = built;
    const summary = summarise(batch, recordedAt);
    const outcome = await this.step('store', () =>
      this.deps.readings.appendOnce(
        vehicleId,
        { id: uploadId(key), fingerprint: print.slice(0, 16), result: receiptOf(summary), receipts: Boolean(key) },
        batch.readings,
        recordedAt,
      ),
    );
    if (outcome.conflict) throw reusedKey();
    // Announced as soon as stored, by the try that stored them: a later step failing leaves
    // them stored and announced, and the retry, which stores nothing, announces nothing again.
    await this.step('announce', () => this.deps.events.readingsStored(vehicleId, outcome.stored));
    await this.step('rest', () => this.storeRest(vehicleId, batch, recordedAt));
    // Trouble codes are announced by every try that reported them: at least once.
    for (const report of batch.dtcs)
      await this.deps.events.dtcsReported(vehicleId, report.mode, report.codes, report.at ?? recordedAt);
    return outcome.earlier
      ? {
          ...(outcome.earlier as Omit<IngestSummary, 'errors'>),
          errors: (outcome.earlier.errors as IngestSummary['errors']) ?? [],
          duplicate: true,
        }
      : { ...summary, duplicate: false };
  }

  /** Latest values and trouble codes: idempotent, so a retry runs them again whatever the first try did. */
  private async storeRest(vehicleId: string, batch: DecodedBatch, recordedAt: Date): Promise<void> {
    const reportDtcs = async () => {
      // One reply after another: a code may be in both the confirmed and the pending reply.
      for (const report of batch.dtcs)
        await this.deps.dtcs.report(vehicleId, report.mode, report.codes, report.at ?? recordedAt);
    };
    await Promise.all([this.deps.latest.record(vehicleId, batch.readings), reportDtcs()]);
  }
}

/**
 * The result as a receipt keeps it: every upload's receipt is rewritten with its bucket document
 * on the embedded database, so an empty error list is left out (and put back when read).
 */
function receiptOf(summary: IngestSummary): Partial<IngestSummary> {
  const { errors, ...rest } = summary;
  return errors.length > 0 ? summary : rest;
}

function summarise(batch: DecodedBatch, recordedAt: Date): IngestSummary {
  return {
    accepted: batch.accepted,
    rejected: batch.rejected,
    readingsStored: batch.readings.length,
    dtcsStored: batch.dtcs.reduce((n, report) => n + report.codes.length, 0),
    errors: batch.errors,
    recordedAt,
  };
}
