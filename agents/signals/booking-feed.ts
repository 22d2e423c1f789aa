import type { EventBus, StreamConsumer } from '../../platform/events/bus.js';
import type { StreamConsumerMetrics } from '../../platform/events/consumer-metrics.js';
import { BOOKING_CHANGED, bookingChangedSchema } from '../../subgraphs/marketplace/contract.js';
import type { BookingSeenStore } from './booking-seen.store.js';

/**
 * Reads the marketplace's booking changes in the `agents` consumer group (each event reaches one
 * agents instance, at least once; recording is idempotent): a booking for a vehicle whose owner
 * was notified is the owner acting on it.
 */
export function consumeBookingChanges(deps: {
  bus: EventBus;
  bookings: BookingSeenStore;
  consumer: string;
  metrics?: StreamConsumerMetrics;
}): StreamConsumer {
  return deps.bus.consume(
    BOOKING_CHANGED,
    'agents',
    deps.consumer,
    async ({ payload }) => {
      await deps.bookings.record(payload);
    },
    // An event that breaks the marketplace's contract is dead-lettered (and raised as an ops alert).
    { schema: bookingChangedSchema, ...(deps.metrics ? { metrics: deps.metrics } : {}) },
  );
}
