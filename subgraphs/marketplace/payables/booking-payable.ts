import { ObjectId } from 'mongodb';
import type { BookingDocument, BookingStore } from '../bookings/booking.store.js';
import type { Payable } from '../contract.js';
import type { CentreSource } from '../inventory/centre-membership.js';
import type { PayableKindHandler } from './payables.js';
import type { PaymentEvent } from './payment-event.js';
import type { BookingPaymentDocument, PaymentPolicy, PaymentPolicyStore } from './payment-policy.store.js';

/** Statuses in which a DEPOSIT booking's deposit may be paid: it is wanted and not yet done. */
const DEPOSIT_DUE = new Set(['REQUESTED', 'CONFIRMED', 'IN_PROGRESS']);

/** What a booking's payments came to: paid (net of refunds). */
export const netPaid = (doc: BookingPaymentDocument | null) =>
  Object.values(doc?.payments ?? {}).reduce((sum, p) => sum + p.amountMinor - p.refundedMinor, 0);

export interface BookingDue {
  policy: PaymentPolicy;
  paidMinor: number;
  /** What may be paid now (0 when nothing is due). */
  dueMinor: number;
}

/**
 * What a booking owes now, by its policy: NONE never; DEPOSIT the deposit (capped at the price)
 * while it is requested, confirmed or in progress, and the rest of the total once completed;
 * FULL the total once completed.
 */
export function bookingDue(booking: BookingDocument, policy: PaymentPolicy, paidMinor: number): number {
  if (policy.kind === 'NONE') return 0;
  if (booking.status === 'COMPLETED' && booking.completion) {
    return Math.max(0, booking.completion.totalMinor - paidMinor);
  }
  if (policy.kind === 'DEPOSIT' && DEPOSIT_DUE.has(booking.status)) {
    return Math.max(0, Math.min(policy.depositMinor, booking.priceMinor) - paidMinor);
  }
  return 0;
}

export class BookingPayable implements PayableKindHandler {
  constructor(
    private readonly bookings: BookingStore,
    private readonly policies: PaymentPolicyStore,
    private readonly centres: CentreSource,
  ) {}

  async due(booking: BookingDocument): Promise<BookingDue> {
    const payments = await this.policies.forBooking(booking._id, () =>
      this.policies.policy(new ObjectId(booking.centreId)),
    );
    const paidMinor = netPaid(payments);
    return { policy: payments.policy, paidMinor, dueMinor: bookingDue(booking, payments.policy, paidMinor) };
  }

  async resolve(id: string): Promise<Payable | null> {
    const booking = await this.bookings.findById(id);
    if (!booking) return null;
    const [centre, due] = await Promise.all([this.centres.findById(new ObjectId(booking.centreId)), this.due(booking)]);
    const deposit = booking.status !== 'COMPLETED';
    const what = `${booking.service.toLowerCase().replace(/_/g, ' ')}${centre ? ` at ${centre.name}` : ''}`;
    return {
      kind: 'BOOKING',
      id,
      customerId: booking.customerId,
      centreId: booking.centreId,
      centreMemberIds: centre?.memberIds ?? [],
      status: booking.status,
      payable: due.dueMinor > 0,
      amountMinor: due.dueMinor,
      currency: booking.currency,
      description: deposit ? `Deposit for ${what}` : `Booking: ${what}`,
      lines:
        due.dueMinor > 0
          ? [{ description: deposit ? `Deposit: ${what}` : what, quantity: 1, unitAmountMinor: due.dueMinor }]
          : [],
    };
  }

  async succeeded(event: PaymentEvent): Promise<void> {
    await this.record(event);
  }

  async refunded(event: PaymentEvent): Promise<void> {
    await this.record(event);
  }

  private async record(event: PaymentEvent): Promise<void> {
    const booking = await this.bookings.findById(event.subjectId);
    if (!booking) throw new Error(`payment ${event.paymentId} names booking ${event.subjectId}, which does not exist`);
    await this.policies.recordBookingPayment(booking._id, event.paymentId, event.amountMinor, event.refundedMinor, () =>
      this.policies.policy(new ObjectId(booking.centreId)),
    );
  }
}
