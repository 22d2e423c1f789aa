import { z } from 'zod';
import { indexCheckRoute } from '../../platform/ops/index-check.js';
import { InternalClient, internalRoute, type InternalClientOptions } from '../../platform/http/internal-route.js';

/**
 * What the marketplace subgraph publishes on the event bus: topic names and payload schemas.
 * Publishers parse a payload with its schema before sending it; consumers parse what they
 * receive. Payloads travel as JSON, so dates are accepted as Dates or ISO strings.
 */

/** An admin approved a partner application: the centre exists and its owner is a partner. */
export const CENTRE_CREATED = 'marketplace.centre.created';
/** A partner changed a centre's profile, services, hours, closures or members. */
export const CENTRE_UPDATED = 'marketplace.centre.updated';

export const centreEventSchema = z.object({
  centreId: z.string().regex(/^[0-9a-f]{24}$/),
  actorId: z.string().min(1),
  at: z.coerce.date(),
});
export type CentreEvent = z.infer<typeof centreEventSchema>;

/**
 * A booking changed (requested, confirmed, declined, started, completed, cancelled, moved,
 * a no-show): live topics for bookingUpdates, at-most-once. Published on the booking's centre's
 * topic, its customer's topic and the all-bookings topic (staff).
 */
export const BOOKING_UPDATES = 'marketplace.booking.updates';
export const centreBookingsTopic = (centreId: string) => `${BOOKING_UPDATES}.centre.${centreId}`;
export const customerBookingsTopic = (customerId: string) => `${BOOKING_UPDATES}.customer.${customerId}`;

const objectId = z.string().regex(/^[0-9a-f]{24}$/);
/** A booking's statuses (bookings/booking-state.ts moves a booking between them). */
export const BOOKING_STATUSES = [
  'REQUESTED',
  'CONFIRMED',
  'DECLINED',
  'IN_PROGRESS',
  'COMPLETED',
  'CANCELLED',
  'NO_SHOW',
] as const;
export const SERVICE_KIND_NAMES = [
  'OIL_CHANGE',
  'BRAKES',
  'BATTERY',
  'TYRES',
  'DIAGNOSTICS',
  'COOLING',
  'GENERAL_SERVICE',
  'ROADSIDE',
] as const;

export const bookingUpdateSchema = z.object({
  bookingId: objectId,
  centreId: objectId,
  customerId: z.string().min(1),
  vehicleId: z.string().min(1),
  service: z.enum(SERVICE_KIND_NAMES),
  status: z.enum(BOOKING_STATUSES),
  slotStart: z.coerce.date(),
  slotEnd: z.coerce.date(),
  at: z.coerce.date(),
});
export type BookingUpdate = z.infer<typeof bookingUpdateSchema>;

/**
 * A partner completed a booking: a durable stream (at-least-once; dedupe on `bookingId`).
 * Health renews the models the service renews, as recordService does.
 */
export const BOOKING_COMPLETED = 'marketplace.booking.completed';
export const bookingCompletedSchema = z.object({
  bookingId: objectId,
  centreId: objectId,
  vehicleId: z.string().min(1).max(64),
  service: z.enum(SERVICE_KIND_NAMES),
  odometerKm: z.number().min(0).max(2_000_000).nullable(),
  partsReplaced: z.array(z.string().max(200)).max(50),
  completedAt: z.coerce.date(),
});
export type BookingCompleted = z.infer<typeof bookingCompletedSchema>;

/**
 * A booking changed: the durable twin of BOOKING_UPDATES (same payload, same moments), for
 * pipelines that must hear of every change (notifications tells the customer and the centre's
 * members). At-least-once; dedupe on bookingId + status + at.
 */
export const BOOKING_CHANGED = 'marketplace.booking.changed';
export const bookingChangedSchema = bookingUpdateSchema;
export type BookingChanged = BookingUpdate;

/**
 * Vehicles, health, telemetry -> marketplace (internal secret): which of these vehicles have a
 * booking at a centre the user is a member of. A centre's members may then read, of those
 * vehicles only, what the work needs (make, model, VIN, health score, trouble codes); never
 * the owner's email, other vehicles or telemetry history (each of those fields stays with the
 * owner and staff). Vehicles it does not list are not the partner's.
 *
 * Scope `work` (the default) lists those vehicles and the ones a centre of the user is helping at
 * the roadside right now (accepted, en route, arrived). Scope `roadside` lists only the latter:
 * their responders read the vehicle's latest readings and alerts too, while they help, and
 * nobody else does (not the centres offered the request that did not take it).
 */
export const PARTNER_VEHICLES_ROUTE = '/internal/marketplace/partner-vehicles';
export const MAX_PARTNER_VEHICLE_IDS = 100;
export const PARTNER_SCOPES = ['work', 'roadside'] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];
export const partnerVehiclesRequestSchema = z.object({
  userId: z.string().min(1).max(64),
  vehicleIds: z.array(z.string().min(1).max(64)).min(1).max(MAX_PARTNER_VEHICLE_IDS),
  scope: z.enum(PARTNER_SCOPES).optional(),
});
export type PartnerVehiclesRequest = z.infer<typeof partnerVehiclesRequestSchema>;
export const partnerVehiclesResponseSchema = z.object({ vehicleIds: z.array(z.string()) });
export type PartnerVehiclesResponse = z.infer<typeof partnerVehiclesResponseSchema>;

/** A roadside request's statuses and kinds (roadside/roadside-state.ts moves a request between them). */
export const ROADSIDE_STATUSES = [
  'REQUESTED',
  'OFFERED',
  'ACCEPTED',
  'EN_ROUTE',
  'ARRIVED',
  'COMPLETED',
  'CANCELLED',
  'UNANSWERED',
] as const;
export const ROADSIDE_KINDS = ['BREAKDOWN', 'FLAT_TYRE', 'BATTERY', 'TOWING', 'ACCIDENT', 'OUT_OF_FUEL'] as const;

/**
 * A roadside request changed (requested, offered to a wave, accepted, en route, arrived,
 * completed, cancelled, paid, or UNANSWERED after the last wave: staff must step in). A durable
 * stream, at-least-once: dedupe on `requestId` + `status` (a paid request repeats COMPLETED).
 */
export const ROADSIDE_UPDATED = 'marketplace.roadside.updated';
export const roadsideUpdatedSchema = z.object({
  requestId: objectId,
  customerId: z.string().min(1),
  vehicleId: z.string().min(1),
  status: z.enum(ROADSIDE_STATUSES),
  /** The responding centre, once one accepted. */
  centreId: objectId.nullable(),
  at: z.coerce.date(),
});
export type RoadsideUpdated = z.infer<typeof roadsideUpdatedSchema>;

/** An order's statuses (orders/order-state.ts moves an order between them). */
export const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PAID',
  'READY',
  'SHIPPED',
  'COMPLETED',
  'CANCELLED',
  'REFUNDED',
] as const;
export type OrderStatusName = (typeof ORDER_STATUSES)[number];

/**
 * A parts order changed (placed, paid, ready, shipped, completed, cancelled, refunded): a durable
 * stream (at-least-once; dedupe on `orderId` + `status`), for notifications and payments.
 */
export const ORDER_UPDATED = 'marketplace.order.updated';
export const orderUpdatedSchema = z.object({
  orderId: objectId,
  customerId: z.string().min(1),
  centreId: objectId,
  status: z.enum(ORDER_STATUSES),
  totalMinor: z.number().int().min(0),
  currency: z.string().length(3),
  at: z.coerce.date(),
});
export type OrderUpdated = z.infer<typeof orderUpdatedSchema>;

/**
 * A payment landed after its order's hold lapsed and the units were sold meanwhile: the order stays
 * CANCELLED and the money must go back. Durable (at-least-once; appended again on every redelivery
 * of the payment's success until refunded): payments refunds the whole payment once, keyed on
 * `paymentId`, and its refund event moves the order to REFUNDED.
 */
export const ORDER_PAYMENT_UNFILLED = 'marketplace.order.payment_unfilled';
export const orderPaymentUnfilledSchema = z.object({
  orderId: objectId,
  paymentId: objectId,
  customerId: z.string().min(1),
  centreId: objectId,
  amountMinor: z.number().int().positive(),
  currency: z.string().length(3),
  at: z.coerce.date(),
});
export type OrderPaymentUnfilled = z.infer<typeof orderPaymentUnfilledSchema>;

/**
 * A centre's stock of a part fell to its low-stock threshold or below: a durable stream for the
 * partner's notification, appended once per crossing (not again until the stock rises above it).
 */
export const STOCK_LOW = 'marketplace.stock.low';
export const stockLowSchema = z.object({
  centreId: objectId,
  partId: objectId,
  sku: z.string().min(1),
  name: z.string().min(1),
  quantity: z.number().int().min(0),
  threshold: z.number().int().min(0),
  at: z.coerce.date(),
});
export type StockLow = z.infer<typeof stockLowSchema>;

/**
 * Payments -> marketplace (internal secret): what a customer would pay for an order, a booking or
 * a roadside request, and who may act for the centre paid. Each kind registers its own resolver
 * (orders/payables.ts); an unknown kind or id is 404 `{ code: 'NOT_FOUND' }`.
 */
export const PAYABLE_KINDS = ['ORDER', 'BOOKING', 'ROADSIDE'] as const;
export type PayableKind = (typeof PAYABLE_KINDS)[number];
export const PAYABLES_ROUTE = '/internal/marketplace/payables';
export const payableRequestSchema = z.object({ kind: z.enum(PAYABLE_KINDS), id: z.string().min(1).max(64) });
export type PayableRequest = z.infer<typeof payableRequestSchema>;
export const payableSchema = z.object({
  kind: z.enum(PAYABLE_KINDS),
  id: z.string(),
  customerId: z.string(),
  centreId: z.string(),
  centreMemberIds: z.array(z.string()),
  status: z.string(),
  /** Whether a payment may be taken now (an unpaid order, a booking whose deposit or total is due). */
  payable: z.boolean(),
  amountMinor: z.number().int().min(0),
  currency: z.string().length(3),
  description: z.string(),
  lines: z.array(
    z.object({ description: z.string(), quantity: z.number().int().min(1), unitAmountMinor: z.number().int().min(0) }),
  ),
});
export type Payable = z.infer<typeof payableSchema>;

/**
 * Payments -> marketplace (internal secret): centre membership and the centre as an invoice's
 * issuer. `memberCentres` lists the centres a user acts for (a partner's invoices, balance and
 * statement); `centreProfiles` answers each known centre's name, address and member ids (unknown
 * ids are left out).
 */
export const MEMBER_CENTRES_ROUTE = '/internal/marketplace/member-centres';
export const CENTRE_PROFILES_ROUTE = '/internal/marketplace/centre-profiles';
export const memberCentresRequestSchema = z.object({ userId: z.string().min(1).max(64) });
export const memberCentresResponseSchema = z.object({ centreIds: z.array(objectId) });
export const centreProfilesRequestSchema = z.object({ centreIds: z.array(z.string().min(1).max(64)).min(1).max(100) });
export const centreProfilesResponseSchema = z.object({
  centres: z.array(
    z.object({ id: objectId, name: z.string(), address: z.string().nullable(), memberIds: z.array(z.string()) }),
  ),
});
export type CentreProfiles = z.infer<typeof centreProfilesResponseSchema>;

/** The marketplace's internal routes, typed on both sides (platform/http/internal-route.ts). */
export const marketplaceRoutes = {
  memberCentres: internalRoute({
    method: 'POST',
    path: MEMBER_CENTRES_ROUTE,
    request: memberCentresRequestSchema,
    response: memberCentresResponseSchema,
  }),
  centreProfiles: internalRoute({
    method: 'POST',
    path: CENTRE_PROFILES_ROUTE,
    request: centreProfilesRequestSchema,
    response: centreProfilesResponseSchema,
  }),
  partnerVehicles: internalRoute({
    method: 'POST',
    path: PARTNER_VEHICLES_ROUTE,
    request: partnerVehiclesRequestSchema,
    response: partnerVehiclesResponseSchema,
  }),
  /** The agents' index check: the marketplace's declared indexes against its database. */
  indexes: indexCheckRoute('marketplace'),
  /** Payments: what a payment for an order, a booking or a roadside request is for (404 when unknown). */
  payables: internalRoute({
    method: 'POST',
    path: PAYABLES_ROUTE,
    request: payableRequestSchema,
    response: payableSchema,
  }),
};

/** A typed client of the marketplace's internal routes; every failure is an InternalCallError. */
export function marketplaceClient(options: InternalClientOptions) {
  const client = new InternalClient(options);
  return {
    partnerVehicles: (request: PartnerVehiclesRequest) => client.call(marketplaceRoutes.partnerVehicles, request),
    memberCentres: (userId: string) => client.call(marketplaceRoutes.memberCentres, { userId }),
    centreProfiles: (centreIds: string[]) => client.call(marketplaceRoutes.centreProfiles, { centreIds }),
    /** NOT_FOUND arrives as an InternalCallError 'refused' with status 404. */
    payable: (request: PayableRequest) => client.call(marketplaceRoutes.payables, request),
  };
}
