import type { StreamEvent } from '../../../platform/events/bus.js';
import { BOOKING_CHANGED, bookingChangedSchema, type BookingChanged } from '../../marketplace/contract.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { ScheduleStore } from '../dispatch/schedule.store.js';
import type { RecipientDirectory } from '../recipients/directory.js';
import type { StreamSource } from './stream-sources.js';

/** Statuses after which a planned reminder is dropped. */
const ENDED = new Set(['DECLINED', 'CANCELLED', 'COMPLETED', 'NO_SHOW', 'IN_PROGRESS', 'REQUESTED']);

/**
 * The marketplace's durable booking changes -> the customer and the centre's members. A
 * confirmed booking also plans its reminder (NOTIFY_BOOKING_REMINDER_MINUTES before the slot,
 * for the customer), moved when the booking moves and dropped when it ends.
 */
export function bookingsSource(
  dispatcher: Dispatcher,
  recipients: RecipientDirectory,
  schedule: ScheduleStore,
  reminderLeadMs: number,
): StreamSource<BookingChanged> {
  return {
    stream: BOOKING_CHANGED,
    schema: bookingChangedSchema,
    orderKey: (b) => b.bookingId,
    async handle(event: StreamEvent<BookingChanged>) {
      const b = event.payload;
      const at = new Date(b.at).toISOString();
      const slotStart = new Date(b.slotStart).toISOString();
      const vars = { bookingId: b.bookingId, centreId: b.centreId, service: b.service, status: b.status, slotStart };
      const members = await recipients.centreMembers(b.centreId);
      await dispatcher.dispatch({
        sourceKey: `booking:${b.bookingId}:${b.status}:${at}`,
        userIds: [b.customerId, ...members],
        category: 'BOOKINGS',
        kind: 'BOOKING_CHANGED',
        severity: 'INFO',
        vars,
      });
      const reminderKey = `reminder:${b.bookingId}`;
      if (b.status === 'CONFIRMED') {
        const dueAt = new Date(new Date(b.slotStart).getTime() - reminderLeadMs);
        await schedule.plan(reminderKey, dueAt, {
          sourceKey: `reminder:${b.bookingId}:${slotStart}`,
          userIds: [b.customerId],
          category: 'BOOKINGS',
          kind: 'BOOKING_REMINDER',
          severity: 'INFO',
          vars,
        });
      } else if (ENDED.has(b.status)) {
        await schedule.cancel(reminderKey);
      }
    },
  };
}
