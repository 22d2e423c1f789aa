import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ObjectId } from 'mongodb';
import type { StreamConsumerMetrics } from '../../../platform/events/consumer-metrics.js';
import type { EventBus, StreamConsumer, StreamEvent } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';
import { BOOKING_COMPLETED, bookingCompletedSchema, type BookingCompleted } from '../../marketplace/contract.js';
import type { HealthProcessor } from '../state-machine/health-processor.js';
import type { ServiceKind } from './service-kind.js';
import type { ServiceRecordStore } from './service-record.store.js';

/** The consumer group of health instances on the marketplace's completions. */
export const BOOKING_COMPLETIONS_GROUP = 'health';

/**
 * What a completed booking renews, in health's terms: the marketplace sells services, health
 * models parts. Roadside help fixes nothing health models; a general service or a diagnosis
 * counts as an inspection.
 */
export const SERVICE_OF_BOOKING: Record<BookingCompleted['service'], ServiceKind | null> = {
  OIL_CHANGE: 'OIL_CHANGE',
  BATTERY: 'BATTERY_REPLACEMENT',
  BRAKES: 'BRAKE_SERVICE',
  TYRES: 'TYRE_REPLACEMENT',
  COOLING: 'COOLANT_SERVICE',
  GENERAL_SERVICE: 'INSPECTION',
  DIAGNOSTICS: 'INSPECTION',
  ROADSIDE: null,
};

export interface BookingCompletionSettings {
  claimIdleMs?: number;
  blockMs?: number;
  name?: string;
}

/**
 * Records each booking a centre completed as a service, exactly as recordService does (a
 * service record, and the processor renewing the models the service renews), effectively once:
 * the record's `_id` is the booking's and the processor's key `booking:<id>`, so a redelivery
 * stores nothing twice and renews nothing twice.
 */
export class BookingCompletions {
  private consumer: StreamConsumer | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly records: ServiceRecordStore,
    private readonly processor: HealthProcessor,
    private readonly logger: Logger,
    private readonly settings: BookingCompletionSettings = {},
    private readonly metrics?: StreamConsumerMetrics,
  ) {}

  start(): Promise<void> {
    const name = this.settings.name ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const { claimIdleMs, blockMs } = this.settings;
    this.consumer = this.bus.consume<BookingCompleted>(
      BOOKING_COMPLETED,
      BOOKING_COMPLETIONS_GROUP,
      `${name}-bookings`,
      (event) => this.handle(event),
      {
        schema: bookingCompletedSchema,
        ...(claimIdleMs !== undefined ? { claimIdleMs } : {}),
        ...(blockMs !== undefined ? { blockMs } : {}),
        ...(this.metrics ? { metrics: this.metrics } : {}),
      },
    );
    return this.consumer.ready;
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  async handle(event: StreamEvent<BookingCompleted>): Promise<void> {
    const completed = event.payload;
    const service = SERVICE_OF_BOOKING[completed.service];
    if (!service) return;
    const at = new Date(completed.completedAt);
    const _id = new ObjectId(completed.bookingId);
    try {
      await this.records.insert({
        _id,
        vehicleId: completed.vehicleId,
        kind: service,
        at,
        odometerKm: completed.odometerKm,
        recordedBy: `booking:${completed.bookingId}`,
        recordedAt: at,
      });
    } catch (error) {
      // A redelivery: the record is there; the processor below is idempotent on its own key.
      if (!isDuplicateKey(error)) throw error;
    }
    await this.processor.apply(completed.vehicleId, `booking:${completed.bookingId}`, {
      kind: 'service',
      service,
      at: at.getTime(),
      odometerKm: completed.odometerKm,
    });
    this.logger.debug({ bookingId: completed.bookingId, service }, 'booking completion recorded as a service');
  }
}
