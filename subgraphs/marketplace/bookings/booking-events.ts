import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import {
  BOOKING_CHANGED,
  BOOKING_COMPLETED,
  BOOKING_UPDATES,
  bookingCompletedSchema,
  bookingUpdateSchema,
  centreBookingsTopic,
  customerBookingsTopic,
  type BookingUpdate,
} from '../contract.js';
import type { BookingDocument } from './booking.store.js';

export const toBookingUpdate = (doc: BookingDocument): BookingUpdate =>
  bookingUpdateSchema.parse({
    bookingId: doc._id.toHexString(),
    centreId: doc.centreId,
    customerId: doc.customerId,
    vehicleId: doc.vehicleId,
    service: doc.service,
    status: doc.status,
    slotStart: doc.slotStart,
    slotEnd: doc.slotEnd,
    at: doc.updatedAt,
  });

/** What bookings announce: live changes for bookingUpdates, their durable twin, and completions for health. */
export class BookingEvents {
  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  /**
   * Live fan-out is at-most-once: the change is stored whatever happens here, so a failed
   * publish is logged, never turned into a failed mutation the client would retry.
   */
  async changed(doc: BookingDocument): Promise<void> {
    const update = toBookingUpdate(doc);
    const topics = [BOOKING_UPDATES, centreBookingsTopic(doc.centreId), customerBookingsTopic(doc.customerId)];
    await Promise.all(
      topics.map((topic) =>
        this.bus
          .publish(topic, update)
          .catch((err) =>
            this.logger.warn({ err, topic, bookingId: update.bookingId }, 'booking update not published'),
          ),
      ),
    );
    // The durable twin (notifications): logged, not thrown, like the live ones, as the change is stored.
    await this.bus
      .append(BOOKING_CHANGED, update)
      .catch((err) => this.logger.error({ err, bookingId: update.bookingId }, 'booking change not appended'));
  }

  /**
   * Health must hear of every completion (at-least-once): a durable stream, appended before
   * `completeBooking` answers, so a bus that does not take it fails the mutation; health dedupes
   * on the booking id. A completion stored whose append then failed is sent by the centre's retry
   * (BookingService.complete).
   */
  async completed(doc: BookingDocument): Promise<void> {
    const completion = doc.completion;
    if (!completion) return;
    const payload = bookingCompletedSchema.parse({
      bookingId: doc._id.toHexString(),
      centreId: doc.centreId,
      vehicleId: doc.vehicleId,
      service: doc.service,
      odometerKm: completion.odometerKm,
      partsReplaced: completion.partsReplaced,
      completedAt: completion.completedAt,
    });
    await this.bus.append(BOOKING_COMPLETED, payload);
  }
}
