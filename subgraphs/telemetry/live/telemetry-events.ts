import type { EventBus, PayloadSchema } from '../../../platform/events/bus.js';
import type { StreamOutbox } from '../../../platform/events/stream-outbox.js';
import { describeIssues } from '../../../platform/events/stream-consumer.js';
import type { Logger } from '../../../platform/logger.js';
import {
  TELEMETRY_DTCS,
  TELEMETRY_READINGS,
  telemetryDtcsEventSchema,
  telemetryReadingsEventSchema,
  type TelemetryDtcsEvent,
} from '../contract.js';
import type { TimedReading } from '../readings/series.js';

export {
  TELEMETRY_DTCS,
  TELEMETRY_READINGS,
  type ReadingPayload,
  type TelemetryDtcsEvent,
  type TelemetryReadingsEvent,
} from '../contract.js';

/** One vehicle's readings, live only: what `vehicleTelemetry` subscribers listen to. */
export const vehicleTopic = (vehicleId: string) => `telemetry.vehicle.${vehicleId}`;

/** An event that breaks the stream's contract (see contract.ts): a defect of the producer, never sent. */
export class ContractViolation extends Error {
  constructor(stream: string, detail: string) {
    super(`a ${stream} event breaks its contract: ${detail}`);
  }
}

/**
 * Announces what was stored, after it is stored. The data is what counts: a bus that is down
 * never fails the upload.
 *
 * - The vehicle's live topic is at-most-once: subscribers miss what is published while the bus
 *   is down. There is no fleet-wide live topic: nothing listened to one.
 * - The durable streams, which health consumes, go through a StreamOutbox: what the bus refuses
 *   is kept in telemetry's database and appended once the bus is back, in the original order.
 *   (A crash between storing an upload and appending its event still loses the event: see
 *   StreamOutbox for why that trade-off.)
 *
 * After an outage health may receive a batch twice, under a new stream id, which its dedupe on
 * `<stream>:<id>` does not catch. The copy is folded in like a new event, so the vehicle's
 * state gets one more version (its key taking one of the APPLIED_KEPT slots), and changes
 * nothing else: health folds in event time, and every rule ignores an observation before the
 * newest it has folded, and at it too unless it judges a state (trouble-code rules, which find
 * the same codes again) (`stepRule`), the usage tracker integrates nothing from a value no
 * newer than its signal's last (`observeUsage`), the part models skip samples no newer than
 * their last, no snapshot falls due, and a repeated DTC report or clear re-marks what is already
 * marked (`applyDtcReport`). No alert opens or resolves twice; no kilometre counts twice. The
 * one gap: a rule whose value depends on state that moved on since (the engine state guessed for
 * a voltage-only sample from the latest rpm) may judge such a sample it skipped the first time,
 * as a late observation, if it is still newer than that rule's own watermark.
 */
export class TelemetryEvents {
  constructor(
    private readonly bus: EventBus,
    private readonly durable: StreamOutbox,
    private readonly logger: Logger,
  ) {}

  async readingsStored(vehicleId: string, readings: readonly TimedReading[]): Promise<void> {
    if (readings.length === 0) return;
    const latest = readings.reduce((max, r) => (r.recordedAt > max ? r.recordedAt : max), readings[0].recordedAt);
    const event = checked(TELEMETRY_READINGS, telemetryReadingsEventSchema, {
      vehicleId,
      recordedAt: latest.toISOString(),
      readings: readings.map((r) => ({
        pid: r.pid,
        name: r.name,
        value: r.value,
        unit: r.unit,
        recordedAt: r.recordedAt.toISOString(),
      })),
    });
    await this.durable.append(TELEMETRY_READINGS, event);
    await this.publish(vehicleTopic(vehicleId), event);
  }

  async dtcsReported(
    vehicleId: string,
    mode: TelemetryDtcsEvent['mode'],
    codes: readonly string[],
    at: Date,
  ): Promise<void> {
    const event = checked(TELEMETRY_DTCS, telemetryDtcsEventSchema, {
      vehicleId,
      codes: [...codes],
      mode,
      recordedAt: at.toISOString(),
    });
    await this.durable.append(TELEMETRY_DTCS, event);
  }

  private async publish(topic: string, event: object): Promise<void> {
    try {
      await this.bus.publish(topic, event);
    } catch (err) {
      this.logger.error({ err, topic }, 'telemetry event not published');
    }
  }
}

/**
 * Checks an event against its stream's contract before it goes anywhere. Uploads are refused
 * beyond the contract's limits before anything is stored (ingest/batch.ts), so this only fails
 * on a defect here; it fails loudly rather than hand consumers an event they must dead-letter.
 */
function checked<T>(stream: string, schema: PayloadSchema<T>, event: T): T {
  const result = schema.safeParse(event);
  if (!result.success) throw new ContractViolation(stream, describeIssues(result.error.issues));
  return result.data;
}
