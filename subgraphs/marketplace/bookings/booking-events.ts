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
import type { BookingDocument, BookingStore } from './booking.store.js';

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
    private readonly store: Pick<BookingStore, 'changeAnnounced'>,
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
    // The durable twin (notifications) never fails the stored change either: the booking was
    // stored with `announceDue` set, which stays when the bus refuses, and the announce sweep
    // appends it later (BookingAnnouncer).
    await this.announce(doc).catch((err) =>
      this.logger.warn({ err, bookingId: update.bookingId }, 'booking change not appended yet; the sweep retries it'),
    );
  }

  /**
   * Appends `marketplace.booking.changed` for the booking as it is, then clears its mark. The
   * payload is derived from the stored change alone (its status and updatedAt), so a re-send is
   * the same event, which consumers dedupe on bookingId + status + at.
   */
  async announce(doc: BookingDocument): Promise<void> {
    await this.bus.append(BOOKING_CHANGED, toBookingUpdate(doc));
    await this.store.changeAnnounced(doc);
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
