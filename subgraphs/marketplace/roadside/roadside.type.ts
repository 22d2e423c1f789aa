import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';
import { Vehicle } from '../bookings/booking.type.js';
import { GeoPoint, ServiceCentre } from '../centres/centre.type.js';
import { estimateArrival } from './dispatch.js';
import type { RoadsideView } from './roadside-events.js';
import { ROADSIDE_KINDS, ROADSIDE_STATUSES, type RoadsideKindName, type RoadsideStatusName } from './roadside-state.js';

export const RoadsideKind = Object.fromEntries(ROADSIDE_KINDS.map((k) => [k, k])) as { [K in RoadsideKindName]: K };
registerEnumType(RoadsideKind, { name: 'RoadsideKind', description: 'What the driver needs help with' });

export const RoadsideStatus = Object.fromEntries(ROADSIDE_STATUSES.map((s) => [s, s])) as {
  [K in RoadsideStatusName]: K;
};
registerEnumType(RoadsideStatus, {
  name: 'RoadsideStatus',
  description:
    'REQUESTED → OFFERED (in waves) → ACCEPTED → EN_ROUTE (first location) → ARRIVED → COMPLETED; CANCELLED by the driver; UNANSWERED when no wave was accepted (staff alerted)',
});

@InputType({ description: 'A call for help with one of your vehicles' })
export class RoadsideInput {
  @Field(() => ID)
  vehicleId!: string;

  @Field(() => GeoPoint, { description: 'Where the vehicle is' })
  location!: GeoPoint;

  @Field(() => RoadsideKind)
  kind!: RoadsideKindName;

  @Field(() => String, { nullable: true, description: 'For the responder, at most 500 characters' })
  notes?: string | null;
}

@InputType({ description: 'What the driver owes for the help, in minor units of an ISO 4217 currency' })
export class RoadsideChargeInput {
  @Field(() => Int)
  amountMinor!: number;

  @Field(() => String)
  currency!: string;
}

@ObjectType()
export class RoadsideCharge {
  @Field(() => Int)
  amountMinor!: number;

  @Field(() => String)
  currency!: string;

  @Field(() => Date)
  completedAt!: Date;
}

@ObjectType({ description: 'The centre helping, and where its responder is' })
export class RoadsideResponder {
  @Field(() => ServiceCentre)
  centre!: ServiceCentre;

  @Field(() => Date)
  acceptedAt!: Date;

  @Field(() => GeoPoint, { nullable: true, description: 'The last position the responder sent' })
  location!: GeoPoint | null;

  @Field(() => Date, { nullable: true })
  locatedAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Great-circle distance to the driver, km' })
  distanceKm!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Minutes until arrival at the configured speed over the great-circle distance',
  })
  etaMinutes!: number | null;

  centreId!: string;
}

@ObjectType({ description: 'A driver’s call for roadside help' })
export class RoadsideRequest {
  @Field(() => ID)
  id!: string;

  @Field(() => RoadsideStatus)
  status!: RoadsideStatusName;

  @Field(() => RoadsideKind)
  kind!: RoadsideKindName;

  @Field(() => GeoPoint)
  location!: GeoPoint;

  @Field(() => String, { nullable: true })
  notes!: string | null;

  @Field(() => Vehicle, {
    description:
      "The vehicle: its owner and staff read it all; the responding centre's members, while they help, its latest readings, trouble codes and alerts",
  })
  vehicle!: Vehicle;

  @Field(() => RoadsideResponder, { nullable: true })
  responder!: RoadsideResponder | null;

  @Field(() => Int, { description: 'Waves of centres offered so far' })
  wave!: number;

  @Field(() => Date, { nullable: true, description: 'When the current wave runs out, while the request waits' })
  offerExpiresAt!: Date | null;

  @Field(() => RoadsideCharge, { nullable: true })
  charge!: RoadsideCharge | null;

  @Field(() => Boolean, { description: 'Whether the charge was paid (payments)' })
  paid!: boolean;

  @Field(() => Date, { nullable: true })
  paidAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the driver cancelled' })
  reason!: string | null;

  @Field(() => Int, { description: 'Grows with every change: a follower drops an older one' })
  version!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

export const RoadsideRequestConnection = ConnectionType(RoadsideRequest);

@ObjectType({ description: "A request offered to one of your centres: what you need to decide, not the driver's data" })
export class RoadsideOffer {
  @Field(() => ID)
  requestId!: string;

  @Field(() => RoadsideStatus, { description: 'OFFERED while open; anything else means it is taken or over' })
  status!: RoadsideStatusName;

  @Field(() => Boolean, { description: 'Whether it can still be accepted' })
  open!: boolean;

  @Field(() => Boolean, { description: 'Whether your centre took it' })
  acceptedByYou!: boolean;

  @Field(() => RoadsideKind)
  kind!: RoadsideKindName;

  @Field(() => GeoPoint)
  location!: GeoPoint;

  @Field(() => String, { nullable: true })
  notes!: string | null;

  @Field(() => ServiceCentre, { description: 'Your centre it was offered to' })
  centre!: ServiceCentre;

  @Field(() => Float, { description: 'From your centre to the driver, km' })
  distanceKm!: number;

  @Field(() => Int, { description: 'The wave that offered it to your centre' })
  wave!: number;

  @Field(() => Date, { nullable: true, description: 'When the current wave runs out' })
  expiresAt!: Date | null;

  @Field(() => Int)
  version!: number;

  centreId!: string;
}

export function toRoadsideRequest(view: RoadsideView, speedKmh: number): RoadsideRequest {
  const r = view.responder;
  const eta = r?.location ? estimateArrival(r.location, view.location, speedKmh) : null;
  return {
    id: view.id,
    status: view.status,
    kind: view.kind,
    location: view.location,
    notes: view.notes,
    vehicle: { id: view.vehicleId },
    responder: r && {
      centre: { id: r.centreId } as ServiceCentre,
      centreId: r.centreId,
      acceptedAt: r.acceptedAt,
      location: r.location,
      locatedAt: r.locatedAt,
      distanceKm: eta?.distanceKm ?? null,
      etaMinutes: eta?.etaMinutes ?? null,
    },
    wave: view.wave,
    offerExpiresAt: view.status === 'OFFERED' ? view.dueAt : null,
    charge: view.charge,
    paid: view.paidAt !== null,
    paidAt: view.paidAt,
    reason: view.reason,
    version: view.version,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
  };
}

/** The offer as `centreId` sees it; null when the request was never offered to it. */
export function toRoadsideOffer(view: RoadsideView, centreId: string): RoadsideOffer | null {
  const offer = view.offers.find((o) => o.centreId === centreId);
  if (!offer) return null;
  return {
    requestId: view.id,
    status: view.status,
    open: view.status === 'OFFERED',
    acceptedByYou: view.responder?.centreId === centreId,
    kind: view.kind,
    location: view.location,
    notes: view.notes,
    centre: { id: centreId } as ServiceCentre,
    centreId,
    distanceKm: offer.distanceKm,
    wave: offer.wave,
    expiresAt: view.status === 'OFFERED' ? view.dueAt : null,
    version: view.version,
  };
}
