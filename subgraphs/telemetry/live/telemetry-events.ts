import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import type { DtcMode } from '../obd/dtc.js';
import type { TimedReading } from '../readings/series.js';

/** Every stored batch of readings, all vehicles: live topic and durable stream (for pipelines such as health). */
export const TELEMETRY_READINGS = 'telemetry.readings';
/** Every DTC report and clear, all vehicles: live topic and durable stream. */
export const TELEMETRY_DTCS = 'telemetry.dtcs';
/** One vehicle's readings, live only: what `vehicleTelemetry` subscribers listen to. */
export const vehicleTopic = (vehicleId: string) => `telemetry.vehicle.${vehicleId}`;

/** Payloads are plain JSON: times are ISO strings. */
export interface ReadingPayload {
  pid: string;
  name: string;
  value: number;
  unit: string;
  recordedAt: string;
}

export interface TelemetryReadingsEvent {
  vehicleId: string;
  /** The latest recordedAt among the readings. */
  recordedAt: string;
  readings: ReadingPayload[];
}

export interface TelemetryDtcsEvent {
  vehicleId: string;
  codes: string[];
  /** The reply the codes came in (03, 07, 0A), or `cleared` after clearDtcs. */
  mode: DtcMode | 'cleared';
  recordedAt: string;
}

/**
 * Publishes after the data is stored. The data is what counts: a bus that is down is logged and
 * the upload still succeeds (live subscribers miss the event, as at-most-once fan-out allows).
 */
export class TelemetryEvents {
  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  async readingsStored(vehicleId: string, readings: readonly TimedReading[]): Promise<void> {
    if (readings.length === 0) return;
    const latest = readings.reduce((max, r) => (r.recordedAt > max ? r.recordedAt : max), readings[0].recordedAt);
    const event: TelemetryReadingsEvent = {
      vehicleId,
      recordedAt: latest.toISOString(),
      readings: readings.map((r) => ({
        pid: r.pid,
        name: r.name,
        value: r.value,
        unit: r.unit,
        recordedAt: r.recordedAt.toISOString(),
      })),
    };
    await this.send(TELEMETRY_READINGS, event, { durable: true });
    await this.send(vehicleTopic(vehicleId), event, { durable: false });
  }

  async dtcsReported(
    vehicleId: string,
    mode: TelemetryDtcsEvent['mode'],
    codes: readonly string[],
    at: Date,
  ): Promise<void> {
    const event: TelemetryDtcsEvent = { vehicleId, codes: [...codes], mode, recordedAt: at.toISOString() };
    await this.send(TELEMETRY_DTCS, event, { durable: true });
  }

  private async send(topic: string, event: object, { durable }: { durable: boolean }): Promise<void> {
    try {
      await this.bus.publish(topic, event);
      if (durable) await this.bus.append(topic, event);
    } catch (err) {
      this.logger.error({ err, topic }, 'telemetry event not published');
    }
  }
}
