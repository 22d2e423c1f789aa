import { z } from 'zod';
import { indexCheckRoute } from '../../platform/ops/index-check.js';
import { DTC_CODE_PATTERN } from './obd/dtc.js';

export type { Severity } from '../../platform/vocabulary/severity.js';
/**
 * The vocabulary of what the streams carry, for consumers that read it: the names of the
 * readings PID 01 (monitor status) decodes to, and what a trouble code means (its description
 * and how urgently to act on it, from the SAE J2012 table).
 */
export { MONITOR_STATUS } from './obd/pids.js';
export { describeDtc, DTC_CODE_PATTERN, type DescribedDtc } from './obd/dtc.js';

/**
 * The contract of telemetry's durable streams: names, payload schemas and limits, owned here by
 * the producer. Telemetry checks every event against it before appending; consumers (health)
 * pass the same schemas to `bus.consume`, so an event that breaks it is dead-lettered and
 * raised as an ops alert, never skipped quietly. A limit changes here, for both sides at once.
 *
 * The limits bound what one upload can announce, and ingestion enforces them before anything
 * is stored: an upload beyond them is refused whole with BAD_USER_INPUT (see ingest/batch.ts).
 * Nothing a vehicle can really report is beyond them.
 */

/** Every stored batch of readings, all vehicles: a durable stream (for pipelines such as health). */
export const TELEMETRY_READINGS = 'telemetry.readings';
/** Every DTC report and clear, all vehicles: a durable stream. */
export const TELEMETRY_DTCS = 'telemetry.dtcs';

/**
 * SAE J1979 on CAN (ISO 15765-4): at most 8 emission-related ECUs answer an OBD request
 * (ids 7E8-7EF), and each ECU's Mode 03/07/0A reply counts its codes in one byte.
 */
export const MAX_OBD_ECUS = 8;
export const MAX_DTCS_PER_ECU_REPLY = 255;
/**
 * Distinct codes of one mode (confirmed, pending or permanent) in one upload: one full scan of
 * the vehicle. A dongle uploading several scans at once past this splits them over uploads.
 */
export const MAX_DTC_CODES_PER_REPORT = MAX_OBD_ECUS * MAX_DTCS_PER_ECU_REPLY;
/**
 * Every code a vehicle can hold ([PCBU][0-3][0-F]{3}). A clear lists the codes it cleared,
 * each once, so it can never list more.
 */
export const DTC_CODE_SPACE = 4 * 4 * 16 ** 3;
/**
 * Readings in one event, i.e. decoded from one upload. A Mode 01 request names at most 6 PIDs;
 * an upload of 500 such replies stays well under this, while a crafted frame packing dozens
 * of multi-valued PIDs does not.
 */
export const MAX_READINGS_PER_EVENT = 10_000;

/** Vehicle ids as the vehicles subgraph issues them (they end up in event keys). */
export const VEHICLE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const isoTime = z.iso.datetime({ offset: true });
const vehicleId = z.string().regex(VEHICLE_ID_PATTERN);
const dtcCode = z.string().regex(DTC_CODE_PATTERN);

export const readingPayloadSchema = z.object({
  /** Two uppercase hex digits, e.g. "0C". */
  pid: z.string().regex(/^[0-9A-F]{2}$/),
  name: z.string().min(1).max(200),
  value: z.number().finite(),
  unit: z.string().max(20),
  recordedAt: isoTime,
});

export const telemetryReadingsEventSchema = z.object({
  vehicleId,
  /** The latest recordedAt among the readings. */
  recordedAt: isoTime,
  readings: z.array(readingPayloadSchema).min(1).max(MAX_READINGS_PER_EVENT),
});

const dtcReport = z.object({
  vehicleId,
  /** The reply the codes came in (03, 07, 0A). */
  mode: z.enum(['confirmed', 'pending', 'permanent']),
  codes: z.array(dtcCode).max(MAX_DTC_CODES_PER_REPORT),
  recordedAt: isoTime,
});

const dtcClear = z.object({
  vehicleId,
  /** After clearDtcs (mode 04): `codes` are the ones it cleared. */
  mode: z.literal('cleared'),
  codes: z.array(dtcCode).max(DTC_CODE_SPACE),
  recordedAt: isoTime,
});

export const telemetryDtcsEventSchema = z.discriminatedUnion('mode', [dtcReport, dtcClear]);

/** Payloads are plain JSON: times are ISO strings. */
export type ReadingPayload = z.infer<typeof readingPayloadSchema>;
export type TelemetryReadingsEvent = z.infer<typeof telemetryReadingsEventSchema>;
export type TelemetryDtcsEvent = z.infer<typeof telemetryDtcsEventSchema>;

/** Each durable stream's schema, for producers and consumers alike. */
export const TELEMETRY_STREAM_SCHEMAS = {
  [TELEMETRY_READINGS]: telemetryReadingsEventSchema,
  [TELEMETRY_DTCS]: telemetryDtcsEventSchema,
} as const;

/** Telemetry's internal routes (behind the internal secret), typed on both sides (platform/http/internal-route.ts). */
export const telemetryRoutes = {
  /** The agents' index check: telemetry's declared indexes against its database. */
  indexes: indexCheckRoute('telemetry'),
};
