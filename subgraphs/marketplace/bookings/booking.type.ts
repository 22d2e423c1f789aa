import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';
import { ServiceCentre, ServiceKind } from '../centres/centre.type.js';
import { User } from '../centres/user.type.js';
import { BOOKING_STATUSES, type BookingStatusName } from './booking-state.js';
import type { BookingDocument } from './booking.store.js';
import type { BookingUpdate } from '../contract.js';

export const BookingStatus = Object.fromEntries(BOOKING_STATUSES.map((s) => [s, s])) as {
  [K in BookingStatusName]: K;
};
registerEnumType(BookingStatus, {
  name: 'BookingStatus',
  description:
    'REQUESTED → CONFIRMED | DECLINED; CONFIRMED → IN_PROGRESS → COMPLETED; CANCELLED (customer before the cutoff, centre with a reason); NO_SHOW',
});

/** The vehicles subgraph owns Vehicle; marketplace adds its bookings. */
@Directive('@key(fields: "id")')
@ObjectType()
export class Vehicle {
  @Field(() => ID)
  id!: string;
}

export const resolveVehicleReference = (reference: Pick<Vehicle, 'id'>): Vehicle => ({ id: String(reference.id) });

@InputType({ description: 'A booking request for one of your vehicles' })
export class BookingInput {
  @Field(() => ID)
  centreId!: string;

  @Field(() => ID)
  vehicleId!: string;

  @Field(() => ServiceKind)
  service!: ServiceKind;

  @Field(() => Date, { description: 'A start among availability(...) slots, in the future' })
  slotStart!: Date;

  @Field(() => String, { nullable: true, description: 'For the centre, at most 1,000 characters' })
  notes?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Any 8-100 characters of [A-Za-z0-9_.:-] unique to this request: a retry with it returns the first booking',
  })
  idempotencyKey?: string | null;

  @Field(() => ID, { nullable: true, description: 'The health alert (or recommendation) that prompted it' })
  alertId?: string | null;
}

@InputType({ description: 'What the centre did' })
export class CompletionInput {
  @Field(() => String)
  workDone!: string;

  @Field(() => Float, { nullable: true })
  odometerKm?: number | null;

  @Field(() => [String], { nullable: true })
  partsReplaced?: string[] | null;

  @Field(() => Int, { description: "What the customer paid, in minor units of the booking's currency" })
  totalMinor!: number;
}

@ObjectType()
export class BookingCompletion {
  @Field(() => String)
  workDone!: string;

  @Field(() => Float, { nullable: true })
  odometerKm!: number | null;

  @Field(() => [String])
  partsReplaced!: string[];

  @Field(() => Int)
  totalMinor!: number;

  @Field(() => String)
  currency!: string;

  @Field(() => Date)
  completedAt!: Date;
}

@ObjectType()
export class BookingStatusChange {
  @Field(() => BookingStatus)
  status!: BookingStatusName;

  @Field(() => Date)
  at!: Date;

  @Field(() => String, { nullable: true })
  reason!: string | null;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: "A vehicle's slot at a service centre" })
export class Booking {
  @Field(() => ID)
  id!: string;

  @Field(() => BookingStatus)
  status!: BookingStatusName;

  @Field(() => ServiceCentre)
  centre!: ServiceCentre;

  @Field(() => Vehicle)
  vehicle!: Vehicle;

  @Field(() => User)
  customer!: User;

  @Field(() => ServiceKind)
  service!: ServiceKind;

  @Field(() => Date)
  slotStart!: Date;

  @Field(() => Date)
  slotEnd!: Date;

  /** The rest are read from the stored booking (BookingFieldsResolver): events carry only the above. */
  centreId!: string;
  /** The stored booking, when the resolver that returned this had it (saves a read). */
  doc?: BookingDocument;
}

@ObjectType({ description: "What the booking's customer, its centre's members and staff read beyond the basics" })
export class BookingDetails {
  @Field(() => String, { nullable: true })
  notes!: string | null;

  @Field(() => ID, { nullable: true })
  alertId!: string | null;

  @Field(() => Int, { description: 'The price when it was booked, in minor units' })
  priceMinor!: number;

  @Field(() => String)
  currency!: string;

  @Field(() => String, { nullable: true, description: 'Why it was declined or cancelled' })
  reason!: string | null;

  @Field(() => BookingCompletion, { nullable: true })
  completion!: BookingCompletion | null;

  @Field(() => [BookingStatusChange], { description: 'Oldest first' })
  history!: BookingStatusChange[];

  @Field(() => Date)
  createdAt!: Date;
}

export const BookingConnection = ConnectionType(Booking);

export const toBooking = (doc: BookingDocument): Booking => ({
  id: doc._id.toHexString(),
  status: doc.status,
  centre: { id: doc.centreId } as ServiceCentre,
  vehicle: { id: doc.vehicleId },
  customer: { id: doc.customerId },
  service: doc.service,
  slotStart: doc.slotStart,
  slotEnd: doc.slotEnd,
  centreId: doc.centreId,
  doc,
});

export const bookingFromUpdate = (event: BookingUpdate): Booking => ({
  id: event.bookingId,
  status: event.status,
  centre: { id: event.centreId } as ServiceCentre,
  vehicle: { id: event.vehicleId },
  customer: { id: event.customerId },
  service: event.service as ServiceKind,
  slotStart: new Date(event.slotStart),
  slotEnd: new Date(event.slotEnd),
  centreId: event.centreId,
});

export const toDetails = (doc: BookingDocument): BookingDetails => ({
  notes: doc.notes,
  alertId: doc.alertId,
  priceMinor: doc.priceMinor,
  currency: doc.currency,
  reason: doc.reason,
  completion: doc.completion,
  history: doc.history.map(({ status, at, reason }) => ({ status, at, reason })),
  createdAt: doc.createdAt,
});
