import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { AUDIT_INDEXES, CentreAuditStore } from './audit/centre-audit.store.js';
import { BOOKING_INDEXES, BookingStore } from './bookings/booking.store.js';
import { REQUEST_KEY_INDEXES, RequestKeyStore } from './bookings/request-key.store.js';
import { SLOT_CLAIM_INDEXES, SlotClaimStore } from './bookings/slot-claim.store.js';
import { CENTRE_LOCATION_INDEXES, CentreLocationStore } from './centres/centre-location.store.js';
import { CENTRE_INDEXES, CentreStore } from './centres/centre.store.js';
import { APPLICATION_INDEXES, ApplicationStore } from './partners/application.store.js';
import { REVIEW_INDEXES, ReviewStore } from './reviews/review.store.js';
import { STOCK_INDEXES, StockStore } from './inventory/stock.store.js';
import { ORDER_INDEXES, OrderStore } from './orders/order.store.js';
import { PART_INDEXES, PartStore } from './parts/part.store.js';
import { PaymentPolicyStore } from './payables/payment-policy.store.js';
import { ROADSIDE_INDEXES, RoadsideStore } from './roadside/roadside.store.js';
import { VEHICLE_CLAIM_INDEXES, VehicleClaimStore } from './roadside/vehicle-claim.store.js';

/** Every index the marketplace stores declare, by collection (bookings and reviews add theirs). */
export const MARKETPLACE_INDEXES: Readonly<Record<string, IndexDeclaration[]>> = {
  [CentreStore.collection]: CENTRE_INDEXES,
  [CentreLocationStore.collection]: CENTRE_LOCATION_INDEXES,
  [ApplicationStore.collection]: APPLICATION_INDEXES,
  [ApplicationStore.openClaimsCollection]: [],
  [CentreAuditStore.collection]: AUDIT_INDEXES,
  [BookingStore.collection]: BOOKING_INDEXES,
  [SlotClaimStore.collection]: SLOT_CLAIM_INDEXES,
  [RequestKeyStore.collection]: REQUEST_KEY_INDEXES,
  [ReviewStore.collection]: REVIEW_INDEXES,
  [PartStore.collection]: PART_INDEXES,
  [StockStore.collection]: STOCK_INDEXES,
  [OrderStore.collection]: ORDER_INDEXES,
  // Read and written by _id only (the centre's, the booking's).
  [PaymentPolicyStore.collection]: [],
  [PaymentPolicyStore.bookingsCollection]: [],
  [RoadsideStore.collection]: ROADSIDE_INDEXES,
  [VehicleClaimStore.collection]: VEHICLE_CLAIM_INDEXES,
};
