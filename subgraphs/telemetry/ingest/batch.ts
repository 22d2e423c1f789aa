import { BadUserInputError, ErrorCode, LimitError } from '../../../platform/errors.js';
import { MAX_DTC_CODES_PER_REPORT, MAX_OBD_ECUS, MAX_DTCS_PER_ECU_REPLY, MAX_READINGS_PER_EVENT } from '../contract.js';
import { decodeFrame } from '../obd/decode-frame.js';
import type { DtcMode } from '../obd/dtc.js';
import type { DecodeErrorCode } from '../obd/result.js';
import { isSingleValued, physicalRange, pidDefinition, type TimedReading } from '../readings/series.js';

/**
 * Batch semantics, for `ingestObdFrames` and `ingestReadings` alike:
 *
 * - A batch of more than MAX_BATCH_SIZE items is refused whole with BATCH_TOO_LARGE, and so is
 *   one whose timestamps are more than MAX_FUTURE_SKEW_MS ahead of the server clock or older
 *   than the retention window (BAD_USER_INPUT): nothing of it is stored.
 * - Otherwise every item is judged on its own. Good items are stored; a bad one (malformed,
 *   unsupported, truncated, over 512 characters, out of the PID's physical range) is reported
 *   with its index, code and reason, and does not sink the others.
 * - Adapter status replies (NO DATA, SEARCHING..., ?, CAN ERROR...) and VIN replies are
 *   accepted and store nothing: they are the adapter talking, not the vehicle's telemetry.
 * - DTC replies update the vehicle's codes: every code of a confirmed (03) or permanent (0A)
 *   reply becomes ACTIVE, every code of a pending (07) reply PENDING unless already ACTIVE.
 * - What one upload announces to health must fit the telemetry contract (contract.ts), so a
 *   batch that decodes to more distinct codes of one mode than one scan of a vehicle can
 *   report (MAX_DTC_CODES_PER_REPORT), or to more readings than one event carries
 *   (MAX_READINGS_PER_EVENT), is refused whole with BAD_USER_INPUT: nothing of it is stored,
 *   rather than stored and never assessed.
 */
export const MAX_BATCH_SIZE = 500;
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

export type IngestErrorCode = DecodeErrorCode | 'OUT_OF_RANGE';

export interface ItemError {
  /** The round of an ingestObdRounds upload the item belongs to. */
  round?: number;
  index: number;
  code: IngestErrorCode;
  reason: string;
}

export interface DtcReport {
  mode: DtcMode;
  codes: string[];
  /** When the codes were read, where it is not the upload's time (a round of ingestObdRounds). */
  at?: Date;
}

export interface DecodedBatch {
  accepted: number;
  rejected: number;
  errors: ItemError[];
  readings: TimedReading[];
  dtcs: DtcReport[];
}

export function checkBatchSize(size: number, field: string): void {
  if (size > MAX_BATCH_SIZE) {
    throw new LimitError(
      ErrorCode.BATCH_TOO_LARGE,
      `${field} holds ${size} items; at most ${MAX_BATCH_SIZE} per request`,
      MAX_BATCH_SIZE,
    );
  }
}

/**
 * Refuses a decoded batch whose events would break the telemetry contract. Checked before
 * anything is stored: the limits hold for producer and consumer alike, so nothing stored is
 * ever dropped on the way to health.
 */
export function checkEventLimits(batch: DecodedBatch, field: string): void {
  for (const report of batch.dtcs) {
    if (report.codes.length > MAX_DTC_CODES_PER_REPORT) {
      throw new BadUserInputError(
        `${field} hold ${report.codes.length} distinct ${report.mode} trouble codes; one upload reports at most ` +
          `${MAX_DTC_CODES_PER_REPORT} per mode (one scan: ${MAX_OBD_ECUS} ECUs of ${MAX_DTCS_PER_ECU_REPLY} codes). ` +
          'Send further scans in uploads of their own',
        field,
      );
    }
  }
  if (batch.readings.length > MAX_READINGS_PER_EVENT) {
    throw new BadUserInputError(
      `${field} decode to ${batch.readings.length} readings; one upload carries at most ${MAX_READINGS_PER_EVENT}`,
      field,
    );
  }
}

/** Refuses a time the vehicle cannot have measured, or one the retention job would delete at once. */
export function checkRecordedAt(at: Date, now: Date, retentionMs: number, field: string): void {
  if (Number.isNaN(at.getTime())) throw new BadUserInputError(`${field} is not a valid time`, field);
  if (at.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) {
    throw new BadUserInputError(`${field} is more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes in the future`, field);
  }
  if (at.getTime() < now.getTime() - retentionMs) {
    throw new BadUserInputError(
      `${field} is older than the ${Math.round(retentionMs / 86_400_000)}-day retention window`,
      field,
    );
  }
}

/** Decodes each ELM327 reply on its own; every reading of the batch is stamped `recordedAt`. */
export function decodeFrames(frames: readonly string[], recordedAt: Date): DecodedBatch {
  const batch = emptyBatch();
  const dtcs = new Map<DtcMode, Set<string>>();
  frames.forEach((frame, index) => {
    const decoded = decodeFrame(frame);
    if (!decoded.ok) {
      batch.errors.push({ index, code: decoded.code, reason: decoded.reason });
      return;
    }
    if (decoded.kind === 'readings') {
      for (const reading of decoded.readings) batch.readings.push({ ...reading, recordedAt });
    } else if (decoded.kind === 'dtcs') {
      let codes = dtcs.get(decoded.mode);
      if (!codes) dtcs.set(decoded.mode, (codes = new Set()));
      for (const code of decoded.codes) codes.add(code);
    }
  });
  batch.dtcs = [...dtcs].map(([mode, codes]) => ({ mode, codes: [...codes] }));
  return finish(batch, frames.length);
}

export interface ReadingItem {
  pid: string;
  value: number;
  recordedAt: Date;
}

/** Readings decoded on board: each must name a single-valued PID we know, within its physical range. */
export function validateReadings(items: readonly ReadingItem[]): DecodedBatch {
  const batch = emptyBatch();
  items.forEach((item, index) => {
    const pid = typeof item.pid === 'string' ? item.pid.trim().toUpperCase() : '';
    const reject = (code: IngestErrorCode, reason: string) => batch.errors.push({ index, code, reason });
    if (!/^[0-9A-F]{2}$/.test(pid)) return reject('MALFORMED', 'pid must be two hexadecimal digits, such as "0C"');
    const definition = pidDefinition(pid);
    if (!definition) return reject('UNSUPPORTED', `Mode 01 PID ${pid} is not supported`);
    if (!isSingleValued(definition))
      return reject('UNSUPPORTED', `PID ${pid} holds several values; send the raw reply to ingestObdFrames`);
    const { min, max } = physicalRange(definition);
    if (!Number.isFinite(item.value) || item.value < min || item.value > max) {
      return reject('OUT_OF_RANGE', `${definition.name} must be between ${min} and ${max} ${definition.unit}`.trim());
    }
    batch.readings.push({
      pid,
      name: definition.name,
      unit: definition.unit,
      value: item.value,
      recordedAt: item.recordedAt,
    });
  });
  return finish(batch, items.length);
}

function emptyBatch(): DecodedBatch {
  return { accepted: 0, rejected: 0, errors: [], readings: [], dtcs: [] };
}

function finish(batch: DecodedBatch, size: number): DecodedBatch {
  batch.rejected = batch.errors.length;
  batch.accepted = size - batch.rejected;
  return batch;
}
